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

  function fetchText(url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; });
  }

  /* The variants of a master playlist, in its order (lowest first, as the archive writes
     them): absolute URL and whether it carries sound only (CODECS name no video codec). */
  function variants(master) {
    return fetchText(master).then(function (text) {
      var lines = text.split(/\r?\n/);
      var found = [];
      for (var i = 0; i < lines.length - 1; i++) {
        if (lines[i].indexOf("#EXT-X-STREAM-INF:") !== 0) continue;
        var codecs = /CODECS="([^"]*)"/.exec(lines[i]);
        found.push({
          url: new URL(lines[i + 1].trim(), new URL(master, window.location.href)).href,
          audioOnly: !!codecs && !/avc|hvc|hev|vp0|av01/.test(codecs[1])
        });
      }
      return found;
    });
  }

  function audioOnlyUrl(master) {
    return variants(master).then(function (found) {
      for (var i = 0; i < found.length; i++) if (found[i].audioOnly) return found[i].url;
      return null;
    });
  }

  /* While hls.js is still on its way, fetch the playlists it will ask for first (the
     master and the lowest rung's) into the browser's cache: on a 3G link each request
     costs a round trip of its own. Not the first segment: hls.js would take its load
     from the cache for the link's speed and climb to a rung the link cannot carry. */
  function warmUp(master) {
    variants(master).then(function (found) {
      var lowest = found.filter(function (variant) { return !variant.audioOnly; })[0];
      return lowest ? fetchText(lowest.url) : null;
    }).catch(function () {});  // only a head start: hls.js fetches for itself anyway
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
      // The HLS <source> is useless here, and with the MP4 <source> chosen a play would
      // start downloading the MP4 at once, on the same link as hls.js. So the sources are
      // set aside before any play (load() forgets the one the browser chose when the page
      // loaded) and come back only if hls.js cannot play.
      // A start time (an embed's ?t=) may already stand; load() would forget it, so it is
      // set again, kept as the start position until hls.js plays from it.
      var startAt = video.currentTime || parseFloat(video.getAttribute("data-start")) || 0;
      var sources = Array.prototype.slice.call(video.querySelectorAll("source"));
      sources.forEach(function (source) { source.remove(); });
      video.removeAttribute("src");
      video.load();
      if (startAt > 0) video.currentTime = startAt;
      var fallBack = function () {
        sources.forEach(function (source) { video.appendChild(source); });
        video.load();
        video.play();
      };
      video.addEventListener("play", function attach() {
        video.removeEventListener("play", attach);
        var startAt = video.currentTime;
        video.pause();
        warmUp(current);
        loadLibrary(video.getAttribute("data-hls-library")).then(function (Hls) {
          if (!Hls.isSupported()) return fallBack();
          // Start on the lowest rung with a 3G-sized estimate; climb once segments
          // show the link can carry more.
          hls = new Hls({ startLevel: 0, abrEwmaDefaultEstimate: 150000, capLevelToPlayerSize: true, startPosition: startAt });
          hls.attachMedia(video);
          hls.loadSource(current);
          hls.once(Hls.Events.MANIFEST_PARSED, function () { video.play(); });
        }, fallBack);
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
