/* The 0–10 scales on /mig/udfyld: shows a slider beside each number box and keeps the two
 * in step. An item she has not answered has no value: the slider shows no knob (scale.css)
 * and says "Ikke valgt endnu" until she taps the line, moves it with the keyboard or writes
 * a number. Without JavaScript the number boxes alone do the job, so the sliders stay
 * hidden until this runs. */
(function () {
  'use strict';

  var NOT_SET = 'Ikke valgt endnu';
  var STEP_KEYS = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown'];

  function format(value) {
    return String(Math.round(Number(value) * 10) / 10).replace('.', ',');
  }

  function parse(text) {
    var n = parseFloat(String(text).trim().replace(',', '.'));
    return isFinite(n) ? n : null;
  }

  var ranges = document.querySelectorAll('input[type=range][data-scale-for]');
  Array.prototype.forEach.call(ranges, function (range) {
    var box = document.getElementById(range.getAttribute('data-scale-for'));
    if (!box) {
      return;
    }
    var min = Number(range.min);
    var max = Number(range.max);
    var status = document.createElement('p');
    status.className = 'portal-scale__status';
    status.setAttribute('aria-hidden', 'true'); // the slider and the box say it themselves
    range.parentNode.appendChild(status);

    function show(set) {
      range.classList.toggle('is-unset', !set);
      range.classList.toggle('is-set', set);
      var words = set ? format(range.value) + ' af ' + format(max) : NOT_SET;
      range.setAttribute('aria-valuetext', words);
      status.textContent = set ? 'Du har valgt ' + format(range.value) + '.' : NOT_SET + '.';
    }

    function choose() {
      box.value = format(range.value);
      show(true);
    }

    function fromBox() {
      var value = parse(box.value);
      if (value !== null && value >= min && value <= max) {
        range.value = value;
        show(true);
      } else if (box.value.trim() === '') {
        show(false);
      }
    }

    range.addEventListener('input', choose);
    // A tap on the hidden knob (the middle) moves nothing and sends no input event.
    range.addEventListener('click', function () {
      if (range.classList.contains('is-unset')) {
        choose();
      }
    });
    // The first arrow key puts the knob in the middle instead of a step from it.
    range.addEventListener('keydown', function (event) {
      if (range.classList.contains('is-unset') && STEP_KEYS.indexOf(event.key) !== -1) {
        event.preventDefault();
        range.value = (min + max) / 2;
        choose();
      }
    });
    box.addEventListener('input', fromBox);
    fromBox();
    if (box.value.trim() !== '' && range.classList.contains('is-unset')) {
      show(false); // a value she wrote that is not on the scale: the box's error says why
    }
    range.hidden = false;
  });
  Array.prototype.forEach.call(document.querySelectorAll('.portal-js-only'), function (el) {
    el.hidden = false;
  });
})();
