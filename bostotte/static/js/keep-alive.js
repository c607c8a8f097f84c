/* A long form keeps her login alive while she types, and a login that ran out anyway
 * does not cost her what she typed.
 *
 * Opt in on any staff form: <form data-keep-alive="{{ url_for('auth.keep_alive') }}">,
 * and load this file in the page's scripts block (templates/scoring/samtale.html does).
 * - Her own typing (input and change events) POSTs to that address at most once every
 *   five minutes: the first keystroke at once, later ones at the end of the five minutes.
 *   Nothing calls on a timer alone, so an unattended screen still logs out.
 * - Before the form is sent, a GET asks whether she is still logged in. If not, the form
 *   stays as it is and a message asks her to log in in a new tab and save again. The
 *   answer carries a fresh CSRF token for the form: a new login has a new one.
 * Without JavaScript the form works as before. Loaded with "defer". */
(function () {
  'use strict';
  var EVERY = 5 * 60 * 1000;

  function csrfField(form) {
    return form.querySelector('input[name="csrf_token"]');
  }

  function message(form, before, heading, text, link) {
    var old = form.querySelector('.keep-alive-message');
    if (old) {
      old.parentNode.removeChild(old);
    }
    var box = document.createElement('div');
    box.className = 'alert alert-warning keep-alive-message';
    box.setAttribute('role', 'alert');
    box.tabIndex = -1;
    // the design system's warning icon, from the sprite the page's own icons use
    var sprite = document.querySelector('use[href*="all-svg-icons.svg"]');
    if (sprite) {
      var svgNs = 'http://www.w3.org/2000/svg';
      var icon = document.createElementNS(svgNs, 'svg');
      icon.setAttribute('class', 'icon-svg alert-icon');
      icon.setAttribute('focusable', 'false');
      icon.setAttribute('aria-hidden', 'true');
      var use = document.createElementNS(svgNs, 'use');
      use.setAttribute('href', sprite.getAttribute('href').split('#')[0] + '#warning');
      icon.appendChild(use);
      box.appendChild(icon);
    }
    var body = document.createElement('div');
    body.className = 'alert-body';
    var h = document.createElement('p');
    h.className = 'alert-heading';
    h.textContent = heading;
    var p = document.createElement('p');
    p.className = 'alert-text';
    p.textContent = text;
    body.appendChild(h);
    body.appendChild(p);
    if (link) {
      var a = document.createElement('a');
      a.href = link;
      a.target = '_blank';
      a.rel = 'noopener';
      a.textContent = 'Log ind i en ny fane';
      var line = document.createElement('p');
      line.className = 'alert-text';
      line.appendChild(a);
      body.appendChild(line);
    }
    box.appendChild(body);
    before.parentNode.insertBefore(box, before);
    box.focus();
  }

  function enhance(form) {
    var url = form.getAttribute('data-keep-alive');
    var last = 0; // when the last keep-alive was sent
    var pending = null; // the one waiting for the end of the five minutes
    var checked = false; // the GET before sending said yes: let the next submit through
    var busy = false;

    function check() {
      return fetch(url, {
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { Accept: 'application/json' }
      });
    }

    function takeToken(body) {
      var field = csrfField(form);
      if (field && body.csrf_token) {
        field.value = body.csrf_token;
      }
    }

    function send() {
      pending = null;
      last = Date.now();
      var field = csrfField(form);
      fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { Accept: 'application/json', 'X-CSRFToken': field ? field.value : '' }
      })
        .then(function (response) {
          // 400: a login in another tab brought a new CSRF token; take it (the GET
          // counts as her activity too)
          if (response.status === 400) {
            return check().then(function (again) {
              return again.ok ? again.json().then(takeToken) : undefined;
            });
          }
          return undefined;
        })
        .catch(function () {
          /* offline for a moment: the check before sending tells her */
        });
    }

    function typed(event) {
      if (!event.isTrusted || pending !== null) {
        return;
      }
      var wait = last + EVERY - Date.now();
      if (wait <= 0) {
        send();
      } else {
        pending = window.setTimeout(send, wait);
      }
    }

    form.addEventListener('input', typed);
    form.addEventListener('change', typed);
    form.addEventListener('submit', function (event) {
      if (checked) {
        checked = false;
        return;
      }
      event.preventDefault();
      if (busy) {
        return;
      }
      busy = true;
      var submitter = event.submitter || form.querySelector('[type="submit"]');
      var before = submitter || form.lastElementChild;
      check()
        .then(function (response) {
          busy = false;
          if (response.status === 401) {
            return response.json().then(function (body) {
              message(
                form,
                before,
                'Du er blevet logget ud',
                'Der gik for lang tid uden aktivitet. Intet er gemt endnu, og det, du har ' +
                  'skrevet, står her stadig. Log ind i en ny fane, kom tilbage hertil, og gem igen.',
                body.login_url
              );
            });
          }
          var go = function () {
            checked = true;
            if (form.requestSubmit) {
              form.requestSubmit(event.submitter || undefined);
            } else {
              form.submit();
            }
          };
          if (!response.ok) {
            go(); // not a logout: let the server answer the form itself
            return undefined;
          }
          return response.json().then(function (body) {
            takeToken(body);
            go();
          });
        })
        .catch(function () {
          busy = false;
          message(
            form,
            before,
            'Ingen forbindelse',
            'Bostøtte kan ikke nås lige nu. Intet er gemt, og det, du har skrevet, står her ' +
              'stadig. Prøv at gemme igen om lidt.',
            null
          );
        });
    });
  }

  var forms = document.querySelectorAll('form[data-keep-alive]');
  for (var i = 0; i < forms.length; i++) {
    enhance(forms[i]);
  }
})();
