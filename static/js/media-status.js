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

// In the page editor: each chosen recording shows the state of its web versions (queued,
// processing with %, ready, failed), kept current while it is being prepared.
(function () {
  const script = document.currentScript;
  const pattern = script && script.dataset.mediaStatusPattern;
  if (!pattern) return;
  const FINAL = ["ready", "failed"];
  const known = new Map();

  // Wagtail's chooser is a div "<input id>-chooser" followed by the hidden input holding the id.
  function badgeFor(chooser) {
    const chosen = chooser.querySelector(".chosen") || chooser;
    let badge = chosen.querySelector(":scope > [data-media-status]");
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "w-status";
      badge.setAttribute("role", "status");
      chosen.append(badge);
    }
    return badge;
  }

  function show(chooser, state) {
    const badge = badgeFor(chooser);
    badge.dataset.mediaStatus = state ? state.status : "";
    badge.hidden = !state;
    if (!state) return;
    badge.textContent = state.status === "failed" ? `${state.label}: ${state.failure}` : state.label;
    badge.classList.toggle("w-status--primary", state.status === "ready");
    badge.classList.toggle("w-status--label", state.status === "failed");
  }

  async function refresh() {
    for (const chooser of document.querySelectorAll(".media-chooser[id$='-chooser']")) {
      const input = document.getElementById(chooser.id.replace(/-chooser$/, ""));
      const id = input ? input.value : "";
      if (!/^\d+$/.test(id)) {
        show(chooser, null);
        continue;
      }
      const cached = known.get(id);
      if (!cached || !FINAL.includes(cached.status)) {
        try {
          const response = await fetch(pattern.replace("/0/", `/${id}/`), { credentials: "same-origin" });
          if (response.ok) known.set(id, await response.json());
        } catch (error) {
          // Tried again on the next tick.
        }
      }
      show(chooser, known.get(id) || null);
    }
  }

  refresh();
  window.setInterval(refresh, 3000);
})();
