// Each page's <title> (WCAG 2.4.2), decided on the server from the address (callbacks/page_status.py)
// and put in the tab here: the first title store on the page that has one.
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.page = {
  setTitle: function (titles) {
    var title = (titles || []).filter(Boolean)[0];
    if (title) {
      document.title = title;
    }
  }
};
