// pollwatch: behaviour shared by every page. The Content-Security-Policy allows scripts from static
// files only, so no template carries an inline script or an on*= attribute; they live here.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form (the language picker, filters).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
})();
