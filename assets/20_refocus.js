// A picker writes its choice to the URL and the page is drawn afresh: put keyboard focus back on
// the picker the person was using, so they do not start again from the top of the page.
(function () {
  var KEY = "dashboard-refocus";
  document.addEventListener("change", function (event) {
    if (event.target && event.target.tagName === "SELECT" && event.target.id) {
      sessionStorage.setItem(KEY, event.target.id);
    }
  }, true);
  new MutationObserver(function () {
    var id = sessionStorage.getItem(KEY);
    if (!id) { return; }
    var el = document.getElementById(id);
    if (el && el.options && el.options.length > 0 && document.activeElement !== el) {
      sessionStorage.removeItem(KEY);
      el.focus();
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
