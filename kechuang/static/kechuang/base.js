// Behaviour the pages declare with data- attributes, so that no template carries inline script
// (the Content-Security-Policy allows scripts from this site's static files only).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-submit-on-change]")) {
    event.target.form.submit();
  }
});
