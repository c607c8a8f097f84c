/* The 0–10 scales on /mig/udfyld: shows a slider beside each number box and keeps the two
 * in step. Without JavaScript the number boxes alone do the job, so the sliders stay
 * hidden until this runs. */
(function () {
  'use strict';

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

    function describe() {
      range.setAttribute('aria-valuetext', format(range.value) + ' af ' + format(max));
    }

    function fromBox() {
      var value = parse(box.value);
      if (value !== null && value >= min && value <= max) {
        range.value = value;
        range.classList.add('is-set');
        describe();
      }
    }

    range.addEventListener('input', function () {
      box.value = format(range.value);
      range.classList.add('is-set');
      describe();
    });
    box.addEventListener('input', fromBox);
    fromBox();
    describe();
    range.hidden = false;
  });
})();
