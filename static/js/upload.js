// Resumable uploads in the admin (tus 1.0 through tusd, docs/uploads.md). The file's checksum
// is computed first, in 8 MiB pieces with crypto.subtle; tus-js-client then sends the file and
// remembers the upload's address, so a dropped link is retried and a reload resumes from the
// last byte the server holds once the same file is chosen again.
(function () {
  "use strict";

  const CHECKSUM_CHUNK_BYTES = 8 * 1024 * 1024;
  const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000, 60000, 60000, 60000, 60000, 60000];

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, name) => (name in values ? values[name] : match));
  }

  function percent(done, total) {
    return `${total ? Math.floor((done / total) * 100) : 0}%`;
  }

  function size(bytes) {
    const units = ["B", "KB", "MB", "GB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
  }

  function duration(panel, seconds) {
    if (!Number.isFinite(seconds)) return "…";
    if (seconds < 90) return fill(panel.dataset.textSeconds, { n: Math.max(1, Math.round(seconds)) });
    if (seconds < 5400) return fill(panel.dataset.textMinutes, { n: Math.round(seconds / 60) });
    return fill(panel.dataset.textHours, { n: (seconds / 3600).toFixed(1) });
  }

  async function checksum(file, onProgress) {
    const key = `heritage-sha256::${file.name}::${file.size}::${file.lastModified}`;
    const known = window.localStorage.getItem(key);
    if (known) return known;
    const digests = new Uint8Array(Math.ceil(file.size / CHECKSUM_CHUNK_BYTES) * 32);
    for (let start = 0, index = 0; start < file.size; start += CHECKSUM_CHUNK_BYTES, index += 1) {
      const piece = await file.slice(start, start + CHECKSUM_CHUNK_BYTES).arrayBuffer();
      digests.set(new Uint8Array(await crypto.subtle.digest("SHA-256", piece)), index * 32);
      onProgress(Math.min(file.size, start + CHECKSUM_CHUNK_BYTES), file.size);
    }
    const whole = new Uint8Array(await crypto.subtle.digest("SHA-256", digests));
    const hex = Array.from(whole, (byte) => byte.toString(16).padStart(2, "0")).join("");
    window.localStorage.setItem(key, hex);
    return hex;
  }

  // Speed over the last few seconds, so a stall shows at once.
  function speedometer() {
    const samples = [];
    return function (bytes) {
      const now = performance.now();
      samples.push([now, bytes]);
      while (samples.length > 2 && now - samples[0][0] > 5000) samples.shift();
      const [since, from] = samples[0];
      return now > since ? ((bytes - from) * 1000) / (now - since) : 0;
    };
  }

  function listPending(panel) {
    const list = panel.querySelector("[data-resumable-pending]");
    for (let index = 0; index < window.localStorage.length; index += 1) {
      const key = window.localStorage.key(index);
      if (!key || !key.startsWith("tus::")) continue;
      let stored;
      try {
        stored = JSON.parse(window.localStorage.getItem(key));
      } catch (error) {
        continue;
      }
      if (!stored || !stored.metadata || stored.metadata.kind !== panel.dataset.kind || !stored.uploadUrl) continue;
      fetch(stored.uploadUrl, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } })
        .then((response) => {
          if (!response.ok) return;
          const offset = Number(response.headers.get("Upload-Offset") || 0);
          const item = document.createElement("li");
          item.dataset.resumablePendingItem = stored.metadata.filename;
          item.textContent = fill(panel.dataset.textPending, {
            name: stored.metadata.filename,
            percent: percent(offset, stored.size),
          });
          list.append(item);
        })
        .catch(() => {});
    }
  }

  function setUp(panel) {
    // Without JavaScript the panel stays hidden and the form above is the way to upload.
    panel.hidden = false;
    const input = panel.querySelector("[data-resumable-file]");
    const button = panel.querySelector("[data-resumable-start]");
    const bar = panel.querySelector("[data-resumable-progress]");
    const status = panel.querySelector("[data-resumable-status]");
    let current = null;

    function show(text, state) {
      status.textContent = text;
      panel.dataset.state = state;
    }

    function progress(done, total) {
      bar.hidden = false;
      bar.value = total ? (done / total) * 100 : 0;
    }

    function finished(url) {
      show(panel.dataset.textDone, "done");
      progress(1, 1);
      const link = document.createElement("a");
      link.href = url;
      link.textContent = panel.dataset.textOpen;
      link.dataset.resumableResult = "";
      status.append(" ", link);
      button.disabled = false;
    }

    async function start() {
      const file = input.files && input.files[0];
      if (!file) return;
      if (file.size > Number(panel.dataset.maxBytes)) {
        show(panel.dataset.textTooLarge, "failed");
        return;
      }
      button.disabled = true;
      panel.querySelector("[data-resumable-pending]").replaceChildren();
      const sha256 = await checksum(file, (done, total) => {
        progress(done, total);
        show(fill(panel.dataset.textHashing, { percent: percent(done, total) }), "hashing");
      });
      const speed = speedometer();
      let resultUrl = "";
      const upload = new tus.Upload(file, {
        endpoint: panel.dataset.endpoint,
        chunkSize: Number(panel.dataset.chunkBytes),
        retryDelays: RETRY_DELAYS,
        removeFingerprintOnSuccess: true,
        metadata: { filename: file.name, filetype: file.type, kind: panel.dataset.kind, token: panel.dataset.token, sha256 },
        onProgress(done, total) {
          const bytesPerSecond = speed(done);
          progress(done, total);
          if (done === total) {
            show(panel.dataset.textFinishing, "finishing");
            return;
          }
          show(
            fill(panel.dataset.textProgress, {
              percent: percent(done, total),
              speed: `${size(bytesPerSecond)}/s`,
              remaining: duration(panel, bytesPerSecond ? (total - done) / bytesPerSecond : Infinity),
            }),
            "uploading",
          );
        },
        onShouldRetry(error) {
          const status = error.originalResponse ? error.originalResponse.getStatus() : 0;
          const retry = !status || status >= 500 || status === 409 || status === 423;
          if (retry) show(fill(panel.dataset.textWaiting, { percent: `${Math.floor(bar.value)}%` }), "waiting");
          return retry;
        },
        onAfterResponse(request, response) {
          resultUrl = response.getHeader("Upload-Result-Url") || resultUrl;
        },
        onSuccess() {
          finished(resultUrl);
        },
        onError(error) {
          const body = error.originalResponse ? error.originalResponse.getBody() : "";
          show(fill(panel.dataset.textFailed, { reason: body || error.message }), "failed");
          button.disabled = false;
        },
      });
      current = upload;
      const previous = await upload.findPreviousUploads();
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    }

    button.addEventListener("click", start);
    // Back online after the retries ran out: carry on from where the server stopped.
    window.addEventListener("online", () => {
      if (current && panel.dataset.state === "failed") {
        button.disabled = true;
        current.start();
      }
    });
    listPending(panel);
  }

  document.querySelectorAll("[data-resumable-upload]").forEach(setUp);
})();
