/* The embed player: the start time (?t=), the synced transcript and, under an audio player,
   the line being said. The player works without this file. */
(function () {
  "use strict";

  // The video player's script (player.js: hls.js where needed, the audio-only switch).
  function loadPlayerScript(player) {
    if (!player.hasAttribute("data-player-script")) return;
    var script = document.createElement("script");
    script.src = player.getAttribute("data-player-script");
    document.head.appendChild(script);
  }

  function setUp(player) {
    loadPlayerScript(player);
    function seek(seconds) {
      if (player.readyState >= 1) {
        player.currentTime = seconds;
      } else {
        player.addEventListener("loadedmetadata", function () { player.currentTime = seconds; }, { once: true });
      }
    }

    var start = parseFloat(player.getAttribute("data-start"));
    if (start > 0) {
      seek(start);
      // A player held behind a notice waits with preload="none": a start time needs its metadata.
      if (player.readyState < 1 && player.preload === "none") {
        player.preload = "metadata";
        player.load();
      }
    }

    var panel = document.querySelector(".embed-transcript");
    var lines = panel ? panel.querySelectorAll("button[data-start]") : [];
    var current = null;
    if (lines.length) {
      panel.addEventListener("click", function (event) {
        var line = event.target.closest("button[data-start]");
        if (!line) return;
        seek(parseFloat(line.getAttribute("data-start")));
        // Where hls.js takes over on the first play (player.js), this play() is superseded.
        var playing = player.play();
        if (playing) playing.catch(function () {});
      });
      player.addEventListener("timeupdate", function () {
        var found = null;
        for (var i = 0; i < lines.length && parseFloat(lines[i].getAttribute("data-start")) <= player.currentTime; i++) {
          found = lines[i];
        }
        if (found === current) return;
        if (current) current.removeAttribute("aria-current");
        current = found;
        if (!current) return;
        current.setAttribute("aria-current", "true");
        // Scroll the panel only: scrollIntoView could scroll the page that frames us.
        panel.scrollTop = current.offsetTop - panel.offsetTop - panel.clientHeight / 3;
      });
    }

    var captionLine = document.querySelector(".caption-line");
    var shown = player.querySelector("track[default]");
    if (captionLine && shown) {
      shown.track.mode = "hidden";
      shown.track.addEventListener("cuechange", function () {
        var cues = shown.track.activeCues || [];
        var text = [];
        for (var i = 0; i < cues.length; i++) text.push(cues[i].text);
        captionLine.textContent = text.join(" ");
      });
    }
  }

  // Behind a sensitivity notice, the player appears once the visitor continues (notices.js).
  var player = document.querySelector("video, audio");
  if (player) {
    setUp(player);
  } else {
    document.addEventListener("notices:revealed", function () {
      var revealed = document.querySelector("video, audio");
      if (revealed) setUp(revealed);
    }, { once: true });
  }
})();
