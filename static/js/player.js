/* Video players on slow links (loaded by site.js and embed.js only on pages with a video).
   Nothing is downloaded before play: the page has preload="none" and a poster. Browsers
   with their own HLS (Safari, Chromium 141+) play the master playlist themselves; others
   get hls.js, fetched on the first play and told to start on the lowest rung and climb.
   Without JavaScript the browser picks the MP4 <source>. The "Audio only" button swaps
   the stream for the playlist's audio-only variant, so no more video is downloaded. */
(function () {
  "use strict";

  var HLS_TYPE = "application/vnd.apple.mpegurl";
  var library = null;

  function loadLibrary(src) {
    if (!library) {
      library = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () { window.Hls ? resolve(window.Hls) : reject(new Error("hls.js")); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return library;
  }

  /* The URL of the audio-only variant of a master playlist: the variant whose CODECS
     name no video codec. */
  function audioOnlyUrl(master) {
    return fetch(master, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (text) {
        var lines = text.split(/\r?\n/);
        for (var i = 0; i < lines.length - 1; i++) {
          var codecs = /CODECS="([^"]*)"/.exec(lines[i]);
          if (lines[i].indexOf("#EXT-X-STREAM-INF:") === 0 && codecs && !/avc|hvc|hev|vp0|av01/.test(codecs[1])) {
            return new URL(lines[i + 1].trim(), new URL(master, window.location.href)).href;
          }
        }
        return null;
      });
  }

  function setUp(video) {
    var master = video.getAttribute("data-stream");
    if (!master || video.hasAttribute("data-player-ready")) return;
    video.setAttribute("data-player-ready", "");
    var native = video.canPlayType(HLS_TYPE) !== "";
    var hls = null;
    var current = master;

    function useStream(url, startAt, resume) {
      current = url;
      if (hls) {
        hls.stopLoad();
        hls.config.startPosition = startAt;  // read when the new source starts loading
        hls.loadSource(url);
        hls.once(window.Hls.Events.MANIFEST_PARSED, function () {
          video.currentTime = startAt;
          if (resume) video.play();
        });
        return;
      }
      if (!native) return;  // hls.js will load `current` on the first play
      video.addEventListener("loadedmetadata", function () { video.currentTime = startAt; }, { once: true });
      // A new source empties the player; with preload="none" it loads nothing until play.
      video.src = url;
      if (resume) video.play();
    }

    if (!native && window.MediaSource) {
      // The HLS <source> is useless here; without it a play before hls.js arrives would
      // start the MP4 download, so the stream waits for hls.js instead.
      video.addEventListener("play", function attach() {
        video.removeEventListener("play", attach);
        var startAt = video.currentTime;
        video.pause();
        video.removeAttribute("src");
        var sources = video.querySelectorAll("source");
        for (var i = 0; i < sources.length; i++) sources[i].remove();
        loadLibrary(video.getAttribute("data-hls-library")).then(function (Hls) {
          if (!Hls.isSupported()) return;
          // Start on the lowest rung with a 3G-sized estimate; climb once segments
          // show the link can carry more.
          hls = new Hls({ startLevel: 0, abrEwmaDefaultEstimate: 150000, capLevelToPlayerSize: true, startPosition: startAt });
          hls.attachMedia(video);
          hls.loadSource(current);
          hls.once(Hls.Events.MANIFEST_PARSED, function () { video.play(); });
        });
      });
    }

    var button = video.parentNode.querySelector("button[data-audio-only]");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      var startAt = video.currentTime;
      var resume = !video.paused;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      if (!on) {
        useStream(master, startAt, resume);
        return;
      }
      audioOnlyUrl(master).then(function (url) {
        if (url && button.getAttribute("aria-pressed") === "true") useStream(url, startAt, resume);
      });
    });
  }

  function setUpAll(root) {
    var videos = (root || document).querySelectorAll("video[data-stream]");
    for (var i = 0; i < videos.length; i++) setUp(videos[i]);
  }

  setUpAll();
  // A video behind a sensitivity notice appears once the visitor continues (notices.js).
  document.addEventListener("notices:revealed", function (event) { setUpAll(event.target); });
})();
