// Gazouille: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Character counter of the compose forms (Mastodon counts a link as 23 characters).
  var URL_RE = /https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]}»]/g;
  function countChars(text) {
    return Array.from(text.replace(URL_RE, "x".repeat(23))).length;
  }
  function updateCounter(form) {
    var area = form.querySelector(".compose-text");
    var counter = form.querySelector(".counter");
    if (!area || !counter) return;
    var cw = form.querySelector("[name=spoiler_text]");
    var max = parseInt(form.getAttribute("data-max") || "500", 10);
    var left = max - countChars(area.value) - (cw ? Array.from(cw.value).length : 0);
    counter.textContent = String(left);
    counter.classList.toggle("over", left < 0);
  }

  // The browser's time zone offset, so a scheduled time means local time.
  function fillTimezone(root) {
    root.querySelectorAll(".tz-offset").forEach(function (input) {
      input.value = String(new Date().getTimezoneOffset());
    });
  }

  function setup(root) {
    root.querySelectorAll("form.compose").forEach(updateCounter);
    fillTimezone(root);
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form.compose");
    if (form) updateCounter(form);
  });

  // Ask before deleting.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  // Share: the system share sheet, else copy the link.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-share]");
    if (!link) return;
    var url = link.getAttribute("data-share");
    if (navigator.share) {
      event.preventDefault();
      navigator.share({ url: url }).catch(function () {});
    } else if (navigator.clipboard) {
      event.preventDefault();
      navigator.clipboard.writeText(url).then(function () {
        link.classList.add("active");
      });
    }
  });

  // A post arriving twice (posted here, then polled) is shown once.
  function dedupe() {
    var feed = document.getElementById("feed");
    if (!feed) return;
    var seen = {};
    feed.querySelectorAll("article.status[data-id]").forEach(function (article) {
      var id = article.getAttribute("data-id");
      if (seen[id]) article.remove();
      else seen[id] = true;
    });
  }

  // Posts already on the page are left out of what the poller brings (the post just
  // published from this page arrives both ways).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var feed = document.getElementById("feed");
    var target = event.detail.target;
    if (!feed || !event.detail.serverResponse || (target && target.matches && target.matches("article.status"))) return;
    var template = document.createElement("template");
    template.innerHTML = event.detail.serverResponse;
    var changed = false;
    template.content.querySelectorAll("article.status[data-id]").forEach(function (article) {
      var id = article.getAttribute("data-id");
      if (feed.querySelector('article.status[data-id="' + id + '"]')) {
        article.remove();
        changed = true;
      }
    });
    if (changed) event.detail.serverResponse = template.innerHTML;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    setup(event.target);
    dedupe();
  });

  // Live updates: server-sent events tell this page that something new arrived; the
  // page then asks for it through its htmx pollers (which also poll on their own).
  function live() {
    var url = document.body.getAttribute("data-live");
    if (!url || !window.EventSource) return;
    var source = new EventSource(url);
    source.addEventListener("notification", function () {
      document.body.dispatchEvent(new CustomEvent("gz-notification", { bubbles: true }));
    });
    source.addEventListener("update", function () {
      document.body.dispatchEvent(new CustomEvent("gz-update", { bubbles: true }));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setup(document);
    live();
  });
})();
