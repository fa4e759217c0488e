/* Progressive enhancement only: everything works without this file. */
(function () {
  "use strict";

  // site.css arrives as a print stylesheet so that it never holds up the first paint
  // (critical.css is inlined in <head>); once here it applies to the screen too.
  var fullStylesheet = document.querySelector("link[data-full-stylesheet]");
  if (fullStylesheet) fullStylesheet.media = "all";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      try {
        document.execCommand("copy") ? resolve() : reject(new Error("copy failed"));
      } catch (error) {
        reject(error);
      } finally {
        document.body.removeChild(area);
      }
    });
  }

  function setUpCopyButton(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) return;
    var status = button.parentNode.querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = target.textContent.replace(/\s+/g, " ").trim();
      copyText(text).then(
        function () { if (status) status.textContent = status.getAttribute("data-copied"); },
        function () {
          if (status) status.textContent = status.getAttribute("data-failed");
          var range = document.createRange();
          range.selectNodeContents(target);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }
      );
    });
  }

  /* Only one player at a time: starting one pauses the others. */
  function setUpPlayers() {
    document.addEventListener("play", function (event) {
      var players = document.querySelectorAll("audio, video");
      for (var i = 0; i < players.length; i++) {
        if (players[i] !== event.target) players[i].pause();
      }
    }, true);
  }

  /* The video player's script (player.js, which may fetch hls.js on play) only on pages
     with a video. */
  function loadPlayerScript(root) {
    var video = root.querySelector("video[data-player-script]");
    if (!video || document.querySelector("script[data-player]")) return;
    var script = document.createElement("script");
    script.src = video.getAttribute("data-player-script");
    script.setAttribute("data-player", "");
    document.head.appendChild(script);
  }

  /* A recording's loudness drawn from its waveform peaks; clicking it seeks. */
  function setUpWaveform(box) {
    var player = box.parentNode.querySelector("audio");
    fetch(box.getAttribute("data-peaks-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.peaks.length) return;
        var svgNS = "http://www.w3.org/2000/svg";
        var svg = document.createElementNS(svgNS, "svg");
        var count = data.peaks.length;
        svg.setAttribute("viewBox", "0 0 " + count + " 100");
        svg.setAttribute("preserveAspectRatio", "none");
        for (var i = 0; i < count; i++) {
          var height = Math.max(2, data.peaks[i] * 100);
          var bar = document.createElementNS(svgNS, "rect");
          bar.setAttribute("x", i);
          bar.setAttribute("y", (100 - height) / 2);
          bar.setAttribute("width", 0.7);
          bar.setAttribute("height", height);
          svg.appendChild(bar);
        }
        box.appendChild(svg);
        box.addEventListener("click", function (event) {
          if (!player || !data.duration) return;
          var rect = box.getBoundingClientRect();
          player.currentTime = ((event.clientX - rect.left) / rect.width) * data.duration;
          player.play();
        });
      })
      .catch(function () {});
  }

  /* Suggestions from /search/autocomplete/ while typing, into the field's datalist. */
  function setUpSuggestions(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2 || !list) return;
      timer = window.setTimeout(function () {
        fetch(input.getAttribute("data-autocomplete-url") + "?q=" + encodeURIComponent(query))
          .then(function (response) { return response.json(); })
          .then(function (data) {
            list.textContent = "";
            data.groups.concat(data.entries).forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.name || item.title;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  }

  /* ?t=42&media=7 (seconds, recording id) starts that recording's player there and
     scrolls it into view: search results link to the moment a line is said. Without
     media, or when that recording is not on the page, the first player starts. */
  function startAtRequestedTime() {
    var params = new URLSearchParams(window.location.search);
    var seconds = parseFloat(params.get("t"));
    var players = document.querySelectorAll("main video, main audio");
    if (!(seconds > 0) || !players.length) return;
    var player = players[0];
    var wanted = params.get("media");
    for (var i = 0; wanted && i < players.length; i++) {
      if (players[i].getAttribute("data-media") === wanted) {
        player = players[i];
        break;
      }
    }
    player.scrollIntoView({ block: "center" });
    if (player.readyState >= 1) {
      player.currentTime = seconds;
      return;
    }
    player.addEventListener("loadedmetadata", function () { player.currentTime = seconds; }, { once: true });
    player.preload = "metadata";
    player.load();
  }

  /* "1:30" or "90" → 90; null when unreadable. */
  function parseTime(text) {
    var parts = text.trim().split(":");
    var seconds = 0;
    for (var i = 0; i < parts.length; i++) {
      if (!/^\d+(\.\d+)?$/.test(parts[i])) return null;
      seconds = seconds * 60 + parseFloat(parts[i]);
    }
    return seconds;
  }

  /* The Embed dialog: the iframe code for the chosen recording, start time, captions and
     transcript. */
  function setUpEmbedDialog(button) {
    var dialog = document.getElementById(button.getAttribute("data-embed-dialog"));
    if (!dialog || !dialog.showModal) return;
    var form = dialog.querySelector("form");
    var fields = form.elements;
    var output = dialog.querySelector("textarea");

    function update() {
      var chosen = fields.recording;
      var item = chosen.tagName === "SELECT" ? chosen.options[chosen.selectedIndex] : chosen;
      var src = new URL(item.value);
      var start = fields.t.value.trim() ? parseTime(fields.t.value) : 0;
      fields.t.setAttribute("aria-invalid", start === null ? "true" : "false");
      if (start) src.searchParams.set("t", String(Math.round(start)));
      if (fields.captions.value !== form.getAttribute("data-language")) src.searchParams.set("captions", fields.captions.value);
      if (fields.transcript.checked) src.searchParams.set("transcript", "1");
      var code = item.getAttribute(fields.transcript.checked ? "data-code-transcript" : "data-code");
      output.textContent = code.replace(/src="[^"]*"/, 'src="' + src.href.replace(/&/g, "&amp;") + '"');
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      update();
      dialog.showModal();
    });
    form.addEventListener("input", update);
    form.addEventListener("change", update);
  }

  function init() {
    var buttons = document.querySelectorAll("[data-copy-target]");
    for (var i = 0; i < buttons.length; i++) setUpCopyButton(buttons[i]);
    setUpPlayers();
    loadPlayerScript(document);
    var waveforms = document.querySelectorAll("[data-peaks-url]");
    for (var j = 0; j < waveforms.length; j++) setUpWaveform(waveforms[j]);
    // A recording behind a sensitivity notice appears once the visitor continues (notices.js).
    document.addEventListener("notices:revealed", function (event) {
      var revealed = event.target.querySelectorAll("[data-peaks-url]");
      for (var n = 0; n < revealed.length; n++) setUpWaveform(revealed[n]);
      loadPlayerScript(event.target);
    });
    var inputs = document.querySelectorAll("[data-autocomplete-url]");
    for (var k = 0; k < inputs.length; k++) setUpSuggestions(inputs[k]);
    startAtRequestedTime();
    var embedButtons = document.querySelectorAll("[data-embed-dialog]");
    for (var m = 0; m < embedButtons.length; m++) setUpEmbedDialog(embedButtons[m]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
