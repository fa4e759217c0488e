/* Sensitivity notices before playback (heritage/notices.py). A recording with notices
   waits in a <noscript> under them: nothing of its player is fetched until the visitor
   chooses "Continue". The choice is kept in sessionStorage, per entry and notice, so the
   visitor is not asked again during the visit (this tab, until it is closed); the embed
   player sets no cookies and the pages stay the same for every visitor, so the server
   keeps nothing. Where storage is refused (some browsers in third-party frames) the
   visitor is asked each time. Without JavaScript the player simply shows below the notice. */
(function () {
  "use strict";
  var PREFIX = "heritage-notices:";

  function continued(entry) {
    try {
      return (window.sessionStorage.getItem(PREFIX + entry) || "").split(" ").filter(Boolean);
    } catch (error) {
      return [];
    }
  }

  function remember(entry, codes) {
    var known = continued(entry);
    codes.forEach(function (code) { if (known.indexOf(code) < 0) known.push(code); });
    try {
      window.sessionStorage.setItem(PREFIX + entry, known.join(" "));
    } catch (error) { /* not remembered: asked again next time */ }
  }

  function codesOf(gate) {
    return (gate.getAttribute("data-notice-codes") || "").split(" ").filter(Boolean);
  }

  function allContinued(gate) {
    var known = continued(gate.getAttribute("data-notice-entry"));
    return codesOf(gate).every(function (code) { return known.indexOf(code) >= 0; });
  }

  function reveal(gate, focus) {
    var held = gate.querySelector("noscript.notice-held");
    if (!held) return;
    held.insertAdjacentHTML("beforebegin", held.textContent);
    held.parentNode.removeChild(held);
    var posters = gate.querySelectorAll("video[data-poster]");
    for (var i = 0; i < posters.length; i++) posters[i].setAttribute("poster", posters[i].getAttribute("data-poster"));
    var button = gate.querySelector(".notice-continue");
    if (button) button.hidden = true;
    gate.classList.add("is-continued");
    gate.dispatchEvent(new CustomEvent("notices:revealed", { bubbles: true }));
    var player = gate.querySelector("video, audio");
    if (focus && player) player.focus();
  }

  var gates = document.querySelectorAll(".notice-gate");
  Array.prototype.forEach.call(gates, function (gate) {
    if (allContinued(gate)) {
      reveal(gate, false);
      return;
    }
    var button = gate.querySelector(".notice-continue");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      remember(gate.getAttribute("data-notice-entry"), codesOf(gate));
      reveal(gate, true);
      // Other recordings of the entry with no other notices open too.
      Array.prototype.forEach.call(gates, function (other) {
        if (other !== gate && allContinued(other)) reveal(other, false);
      });
    });
  });
})();
