/* Progressive enhancement only: everything works without this file. */
(function () {
  "use strict";

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

  function init() {
    var buttons = document.querySelectorAll("[data-copy-target]");
    for (var i = 0; i < buttons.length; i++) setUpCopyButton(buttons[i]);
    setUpPlayers();
    var waveforms = document.querySelectorAll("[data-peaks-url]");
    for (var j = 0; j < waveforms.length; j++) setUpWaveform(waveforms[j]);
    var inputs = document.querySelectorAll("[data-autocomplete-url]");
    for (var k = 0; k < inputs.length; k++) setUpSuggestions(inputs[k]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
