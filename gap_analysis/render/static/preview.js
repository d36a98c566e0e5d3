// The live preview: reload when the server says the page changed, keeping the reader's place.
(function () {
  "use strict";
  var key = "gap-analysis-preview-scroll";
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.scrollTo(0, parseFloat(saved));
  }
  var banner = document.querySelector(".preview-banner");
  var shown = banner ? banner.getAttribute("data-version") : null;
  var events = new EventSource("/_preview/events");
  events.onmessage = function (event) {
    if (shown !== null && event.data !== shown) {
      sessionStorage.setItem(key, String(window.scrollY));
      events.close();
      window.location.reload();
    }
  };
})();
