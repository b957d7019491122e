// The page language for screen readers and axe; Dash's default index page has no lang attribute.
// TODO(#5): set it in app.index_string in app.py instead, then delete this file.
document.documentElement.lang = "en-GB";
