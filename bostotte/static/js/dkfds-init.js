/* Start Det Fælles Designsystem's JavaScript components (DKFDS v11 requires an
 * explicit init). Loaded with "defer" after dkfds.min.js. The pages work
 * without JavaScript; this only adds enhancements. */
(function () {
  'use strict';
  if (window.DKFDS && typeof window.DKFDS.init === 'function') {
    try {
      window.DKFDS.init();
    } catch (e) {
      if (window.console && window.console.error) {
        window.console.error('DKFDS.init fejlede', e);
      }
    }
  }
})();
