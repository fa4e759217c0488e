// Keeps the "Web versions" state on the admin's media page current while a recording is
// being prepared, and reloads the page once it is ready or has failed.
(function () {
  const box = document.querySelector("[data-media-status-url]");
  if (!box || box.dataset.mediaStatusLive !== "true") return;
  const badge = box.querySelector("[data-media-status]");
  async function poll() {
    try {
      const response = await fetch(box.dataset.mediaStatusUrl, { credentials: "same-origin" });
      const state = await response.json();
      if (state.status === "ready" || state.status === "failed") {
        window.location.reload();
        return;
      }
      badge.textContent = state.label;
    } catch (error) {
      // A missed poll is retried on the next tick.
    }
    window.setTimeout(poll, 3000);
  }
  window.setTimeout(poll, 3000);
})();
