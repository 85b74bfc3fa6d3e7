/*! Loa player: the "Đọc nội dung" button. Plain JavaScript, no dependencies, no build step.
 *
 *   <script src="LOA/player.js" data-site="SITE" data-external-id="ID" data-target="#article-body" async></script>
 *   <script src="LOA/player.js" data-article="LOA_ID" async></script>
 *   <div data-loa-player data-site="SITE" data-external-id="ID"></div>   (several per page)
 *   <div data-loa-player data-playlist="SITE"></div>   (the site's latest articles, one after another)
 *
 * One global name, Loa: {mount(element), scan()}. Everything else lives in an open
 * Shadow DOM, so the host page's CSS cannot reach it. The sentence being read is highlighted on
 * the host page with the CSS Custom Highlight API ("loa-reading"), without changing its DOM, and
 * when the playlist has word timings (edge) the word being said too ("loa-word").
 */
(function () {
  "use strict";
  var current = document.currentScript;
  if (window.Loa && window.Loa.mount) {
    window.Loa.fromScript(current);
    return;
  }

  var SPEEDS = [0.75, 1, 1.25, 1.5, 2];
  var RATE_KEY = "loa-player-rate";
  var FOLLOW_KEY = "loa-player-follow";
  var HIGHLIGHT = "loa-reading";
  var WORD = "loa-word";
  var players = [];
  var defaultBase = baseOf(current);

  var ICONS = {
    speaker: "M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z",
    play: "M8 5v14l11-7z",
    pause: "M6 5h4v14H6zm8 0h4v14h-4z",
    back: "M12 5V2L7 6l5 4V7a6 6 0 1 1-6 6H4a8 8 0 1 0 8-8z",
    fwd: "M12 5V2l5 4-5 4V7a6 6 0 1 0 6 6h2a8 8 0 1 1-8-8z"
  };

  var STYLE =
    ":host{all:initial!important;display:block!important;contain:content;margin:0 0 1em!important}" +
    ":host([data-loa-hidden]){display:none!important}" +
    "*{box-sizing:border-box}[hidden]{display:none!important}" +
    ".p{font:15px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1f2328;" +
    "background:#f6f8fa;border:1px solid #8c959f;border-radius:10px;padding:6px;display:flex;" +
    "flex-direction:column;gap:6px;max-width:100%;text-align:left;direction:ltr}" +
    ".row{display:flex;flex-wrap:wrap;align-items:center;gap:6px}" +
    "button,select,a,input{font:inherit;color:inherit;margin:0}" +
    "button{cursor:pointer}" +
    "svg{width:22px;height:22px;fill:currentColor;flex:none}" +
    ".main{display:inline-flex;align-items:center;gap:6px;min-height:44px;padding:0 16px 0 12px;" +
    "border:0;border-radius:22px;background:#0b4f9c;color:#fff;font-weight:600}" +
    ".main:hover{background:#083b75}" +
    ".ib{position:relative;width:44px;height:44px;border-radius:50%;border:1px solid #0b4f9c;" +
    "background:#fff;color:#0b4f9c;display:inline-flex;align-items:center;justify-content:center;padding:0}" +
    ".ib b{position:absolute;font-size:9px;font-weight:700;top:17px;left:0;right:0;text-align:center}" +
    ".ctl{display:flex;flex:1 1 300px;flex-wrap:wrap;align-items:center;gap:6px;min-width:0}" +
    ".t{font-variant-numeric:tabular-nums;font-size:14px;color:#3d444d;min-width:3.2em;text-align:center}" +
    ".sl{flex:1 1 140px;min-width:120px;height:44px;display:flex;align-items:center;cursor:pointer;" +
    "touch-action:none;border-radius:6px;padding:0 8px}" +
    ".tr{position:relative;width:100%;height:6px;border-radius:3px;background:#6e7781}" +
    ".fi{position:absolute;left:0;top:0;bottom:0;border-radius:3px;background:#0b4f9c;width:0}" +
    ".th{position:absolute;top:50%;width:18px;height:18px;margin:-9px 0 0 -9px;border-radius:50%;" +
    "background:#0b4f9c;border:2px solid #fff;box-shadow:0 0 0 1px #0b4f9c;left:0}" +
    ".sp,.dl{min-height:44px;padding:0 12px;border-radius:22px;border:1px solid #0b4f9c;background:#fff;" +
    "color:#0b4f9c;display:inline-flex;align-items:center;font-weight:600;text-decoration:none}" +
    ".row2{font-size:14px;color:#3d444d;gap:10px}" +
    ".row2 label{display:inline-flex;align-items:center;gap:6px;min-height:32px}" +
    "select{max-width:16em;min-height:32px;border:1px solid #6e7781;border-radius:6px;background:#fff;padding:0 4px}" +
    ".go{min-height:32px;padding:0 10px;border-radius:6px;border:1px solid #0b4f9c;background:#fff;color:#0b4f9c}" +
    "input[type=checkbox]{width:18px;height:18px;accent-color:#0b4f9c}" +
    ":focus{outline:none}:focus-visible{outline:3px solid #b35900;outline-offset:2px}" +
    ".sl:focus-visible{outline-offset:0}" +
    "@media (max-width:480px){.ctl{flex-basis:100%}.sl{flex-basis:100%;order:-1}}" +
    "@media (forced-colors:active){.fi,.th{background:Highlight}.tr{background:CanvasText}}";

  function baseOf(script) {
    if (!script || !script.src) return "";
    return script.src.replace(/[?#].*$/, "").replace(/\/player\.js$/, "");
  }

  function svg(name) {
    return '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="' + ICONS[name] + '"/></svg>';
  }

  function clock(s) {
    s = Math.max(0, Math.floor(s || 0));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var mm = h ? (m < 10 ? "0" : "") + m : String(m);
    return (h ? h + ":" : "") + mm + ":" + (sec < 10 ? "0" : "") + sec;
  }

  function spoken(s) {
    s = Math.max(0, Math.floor(s || 0));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60, out = [];
    if (h) out.push(h + " giờ");
    if (m) out.push(m + " phút");
    if (sec || !out.length) out.push(sec + " giây");
    return out.join(" ");
  }

  function speedText(r) {
    return r + "×";
  }

  function load(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function save(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (e) {
      /* storage may be off (private mode, sandboxed iframe): the setting lasts this page only */
    }
  }

  function storedRate() {
    var r = parseFloat(load(RATE_KEY));
    return SPEEDS.indexOf(r) >= 0 ? r : 1;
  }

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  // --- mapping segment text onto the host page ------------------------------------------------

  var MARK = /\p{M}/gu;
  var KEEP = /[\p{L}\p{N}]/u;

  function fold(s) {
    var out = "";
    var n = s.normalize("NFD").replace(MARK, "").toLowerCase();
    for (var i = 0; i < n.length; i++) if (KEEP.test(n[i])) out += n[i];
    return out;
  }

  function pageIndex(root) {
    var text = "", at = [];
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var p = node.parentNode;
        return p && /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/.test(p.nodeName)
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT;
      }
    });
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var d = node.data;
      for (var i = 0; i < d.length; ) {
        var cp = d.codePointAt(i), w = cp > 0xffff ? 2 : 1;
        var f = fold(d.substr(i, w));
        for (var k = 0; k < f.length; k++) {
          text += f[k];
          at.push([node, i, i + w]);
        }
        i += w;
      }
    }
    return { text: text, at: at };
  }

  function locate(index, s, from) {
    var key = fold(s);
    if (!key) return null;
    var start = index.text.indexOf(key, from), end;
    if (start >= 0) {
      end = start + key.length;
    } else {
      // extraction and page differ a little: anchor on the start and the end of the sentence
      var n = Math.min(16, key.length);
      start = index.text.indexOf(key.slice(0, n), from);
      if (start < 0) return null;
      var tail = index.text.indexOf(key.slice(-n), start);
      if (tail < 0 || tail - start > key.length * 1.5 + 20) return null;
      end = tail + n;
    }
    return { start: start, end: end };
  }

  function toRange(index, span, bare) {
    var a = index.at[span.start], b = index.at[span.end - 1];
    var r = document.createRange();
    r.setStart(a[0], a[1]);
    var e = b[2], d = b[0].data;
    // a sentence takes its closing punctuation; a word, the signs that are part of it (2,5%)
    var more = bare ? /[^\s\p{L}\p{N}.,!?;:…)"”’»]/u : /[.,!?;:…)"”’»]/;
    while (e < d.length && more.test(d[e])) e++;
    r.setEnd(b[0], e);
    return r;
  }

  var highlightSheet = false;
  function installHighlightStyle() {
    if (highlightSheet || !document.adoptedStyleSheets || typeof CSSStyleSheet !== "function") return;
    highlightSheet = true;
    try {
      var sheet = new CSSStyleSheet();
      // in a layer: any rule of the host page for ::highlight(loa-reading) wins over this one
      sheet.replaceSync("@layer loa{::highlight(" + HIGHLIGHT + "){background-color:#ffe08a;color:#1f2328}" +
        "::highlight(" + WORD + "){background-color:#f0b000;color:#1f2328;text-decoration:underline 2px}}");
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
    } catch (e) {
      /* no constructable stylesheets: the host page may style ::highlight(loa-reading) itself */
    }
  }

  function canHighlight() {
    return !!(window.CSS && CSS.highlights && typeof window.Highlight === "function");
  }

  // --- one player -----------------------------------------------------------------------------

  function Player(host, cfg) {
    var me = this;
    me.host = host;
    me.cfg = cfg;
    me.doc = null;
    me.segs = [];
    me.mode = null; // null (not started) | "full" | "mse" | "clips"
    me.rate = storedRate();
    me.delay = 1000;
    me.born = Date.now();
    me.ranges = [];
    me.spans = [];
    me.mapped = 0;
    me.cur = -1;
    host.setAttribute("data-loa-hidden", "");
    var root = host.shadowRoot || host.attachShadow({ mode: "open" });
    root.innerHTML =
      "<style>" + STYLE + "</style>" +
      '<div class="p" role="group" aria-label="Nghe bài viết">' +
      '<div class="row"><button type="button" class="main">' + svg("speaker") +
      '<span class="lbl">Đọc nội dung</span></button>' +
      '<div class="ctl" hidden>' +
      '<button type="button" class="ib back" aria-label="Lùi 10 giây">' + svg("back") + "<b>10</b></button>" +
      '<button type="button" class="ib fwd" aria-label="Tới 10 giây">' + svg("fwd") + "<b>10</b></button>" +
      '<span class="t cur" aria-hidden="true">0:00</span>' +
      '<div class="sl" role="slider" tabindex="0" aria-label="Vị trí phát" aria-valuemin="0" ' +
      'aria-valuemax="0" aria-valuenow="0"><div class="tr"><div class="fi"></div><div class="th"></div></div></div>' +
      '<span class="t dur" aria-hidden="true">0:00</span>' +
      '<button type="button" class="sp"></button>' +
      '<a class="dl" hidden>Tải về</a></div></div>' +
      '<div class="row row2" hidden><label>Đọc từ đoạn <select class="para"></select></label>' +
      '<button type="button" class="go">Đọc</button>' +
      '<label><input type="checkbox" class="follow"> Cuộn theo câu đang đọc</label>' +
      '<span class="note"></span></div>' +
      '<audio preload="none"></audio></div>';
    function $(sel) {
      return root.querySelector(sel);
    }
    me.el = {
      main: $(".main"), lbl: $(".lbl"), ctl: $(".ctl"), row2: $(".row2"), back: $(".back"),
      fwd: $(".fwd"), cur: $(".cur"), dur: $(".dur"), sl: $(".sl"), fi: $(".fi"), th: $(".th"),
      sp: $(".sp"), dl: $(".dl"), para: $(".para"), go: $(".go"), follow: $(".follow"),
      note: $(".note"), audio: $("audio"), group: $(".p")
    };
    var el = me.el, audio = el.audio;
    el.follow.checked = load(FOLLOW_KEY) === "1";
    me.applyRate();
    el.main.addEventListener("click", function () {
      if (!me.mode) me.start();
      else if (me.playing()) me.pause();
      else me.play();
    });
    el.back.addEventListener("click", function () {
      me.seek(me.pos() - 10);
    });
    el.fwd.addEventListener("click", function () {
      me.seek(me.pos() + 10);
    });
    el.sp.addEventListener("click", function () {
      var i = SPEEDS.indexOf(me.rate);
      me.setRate(SPEEDS[(i + 1) % SPEEDS.length], true);
    });
    el.go.addEventListener("click", function () {
      var s = me.segs[+el.para.value];
      if (s) {
        me.seek(s.start);
        me.play();
      }
    });
    el.follow.addEventListener("change", function () {
      save(FOLLOW_KEY, el.follow.checked ? "1" : "0");
    });
    el.sl.addEventListener("keydown", function (ev) {
      var step = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -60, PageUp: 60 }[ev.key];
      if (step) me.seek(me.pos() + step);
      else if (ev.key === "Home") me.seek(0);
      else if (ev.key === "End") me.seek(me.maxSeek());
      else return;
      ev.preventDefault();
    });
    var dragging = false;
    function fromPointer(ev) {
      var r = el.sl.querySelector(".tr").getBoundingClientRect();
      var x = Math.min(1, Math.max(0, (ev.clientX - r.left) / (r.width || 1)));
      me.seek(x * me.duration());
    }
    el.sl.addEventListener("pointerdown", function (ev) {
      dragging = true;
      if (el.sl.setPointerCapture) el.sl.setPointerCapture(ev.pointerId);
      fromPointer(ev);
    });
    el.sl.addEventListener("pointermove", function (ev) {
      if (dragging) fromPointer(ev);
    });
    el.sl.addEventListener("pointerup", function () {
      dragging = false;
    });
    ["play", "pause", "seeked", "timeupdate", "ratechange", "waiting", "playing"].forEach(function (t) {
      audio.addEventListener(t, function () {
        me.render();
      });
    });
    audio.addEventListener("play", function () {
      players.forEach(function (p) {
        if (p !== me && p.playing()) p.pause();
      });
      me.session();
      me.ticking(true);
    });
    audio.addEventListener("pause", function () {
      me.ticking(false);
    });
    audio.addEventListener("ended", function () {
      if (me.mode === "clips") me.nextClip();
      else if (me.queue && me.qi + 1 < me.queue.length) me.next();
    });
    audio.addEventListener("loadedmetadata", function () {
      if (me.startAt != null) {
        var t = me.startAt;
        me.startAt = null;
        try {
          audio.currentTime = t;
        } catch (e) {
          /* not seekable yet: plays from the start of what loaded */
        }
      }
    });
    players.push(me);
    if (cfg.playlist && !cfg.article) me.loadQueue();
    else me.poll();
  }

  var P = Player.prototype;

  // data-playlist="SITE": the site's playlist (newest first), played one article after another
  P.loadQueue = function () {
    var me = this, b = me.cfg.base || defaultBase;
    fetch(b + "/v1/sites/" + encodeURIComponent(me.cfg.playlist) + "/playlist.json", {
      cache: "no-store",
      credentials: "omit"
    })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (doc) {
        me.queue = ((doc && doc.items) || []).map(function (item) {
          return String(item.id).replace(/^loa:/, "");
        });
        me.qi = 0;
        if (!me.queue.length) return;
        me.cfg.article = me.queue[0];
        me.poll();
      })
      .catch(function () {
        me.delay = Math.min(me.delay * 2, 30000);
        me.timer = setTimeout(function () {
          me.loadQueue();
        }, me.delay);
      });
  };

  P.next = function () {
    var me = this;
    me.qi++;
    me.cfg.article = me.queue[me.qi];
    me.mode = null;
    me.doc = null;
    me.segs = [];
    me.ranges = [];
    me.mapped = 0;
    me.cur = -1;
    me.autoplay = true; // continuous listening: the next article starts once it is known
    me.poll();
  };

  P.stateUrl = function () {
    var c = this.cfg, b = c.base || defaultBase;
    if (c.article) return b + "/v1/player/articles/" + encodeURIComponent(c.article);
    return b + "/v1/player/lookup?site=" + encodeURIComponent(c.site) +
      "&external_id=" + encodeURIComponent(c.externalId);
  };

  P.poll = function () {
    var me = this;
    clearTimeout(me.timer);
    fetch(me.stateUrl(), { cache: "no-store", credentials: "omit" })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (doc) {
        if (!doc) return; // malformed id or site: nothing to play, and no retry
        me.update(doc);
        var waiting = doc.status === "queued" || doc.status === "processing";
        // an unknown article may be posted in a moment (a CMS publishing): ask again, slowly
        if (doc.status === "unknown" && Date.now() - me.born < 600000) waiting = true;
        if (waiting) {
          // back-off while nothing can be heard; steady while segments are arriving
          if (doc.status !== me.lastStatus) me.delay = 400;
          me.lastStatus = doc.status;
          me.delay = doc.playable ? 1000 : Math.min(me.delay * 1.5, doc.status === "unknown" ? 15000 : 5000);
          me.timer = setTimeout(function () {
            me.poll();
          }, doc.playable ? 1000 : me.delay);
        }
      })
      .catch(function () {
        me.delay = Math.min(me.delay * 2, 30000);
        me.timer = setTimeout(function () {
          me.poll();
        }, me.delay);
      });
  };

  P.update = function (doc) {
    var me = this, el = me.el;
    if (!doc.playable) {
      // (a moment with nothing listed while the whole file is assembled keeps the button)
      if (!me.mode && !(me.doc && doc.status === "processing")) {
        me.host.setAttribute("data-loa-hidden", "");
      }
      return;
    }
    var segs = doc.segments || [];
    var changed = me.segs.length && segs.length && me.segs[0].audio !== segs[0].audio && !doc.complete;
    if (!doc.complete && me.doc && me.doc.complete) return; // keep playing the whole file
    if (!doc.complete && segs.length < me.segs.length && !changed) return;
    me.doc = doc;
    if (changed || doc.complete !== !!(me.segs.length && !me.segs[0].audio) || segs.length < me.mapped) {
      me.ranges = [];
      me.mapped = 0;
    }
    me.segs = segs;
    me.host.removeAttribute("data-loa-hidden");
    el.group.setAttribute("aria-label", "Nghe bài viết" + (doc.title ? ": " + doc.title : ""));
    if (doc.complete && doc.download) {
      el.dl.href = doc.download;
      el.dl.setAttribute("download", "");
      el.dl.hidden = false;
    }
    el.note.textContent = doc.complete ? "" :
      "Đang tạo âm thanh: " + doc.progress.done + "/" + doc.progress.total + " đoạn";
    me.paragraphs();
    if (changed && me.mode === "mse") me.restartStream();
    if (me.mode === "mse") me.pump();
    if (me.mode === "clips" && me.stalled) me.nextClip();
    if (doc.complete && (me.mode === "mse" || me.mode === "clips")) me.pendingSwitch = true;
    if (me.autoplay && !me.mode) {
      me.autoplay = false;
      me.start(true);
    }
    me.render();
  };

  P.paragraphs = function () {
    var sel = this.el.para, seen = {}, html = "", prev = sel.value;
    this.segs.forEach(function (s, i) {
      if (seen[s.paragraph]) return;
      seen[s.paragraph] = 1;
      var t = (s.text || "").replace(/\s+/g, " ");
      if (t.length > 48) t = t.slice(0, 47) + "…";
      var label = s.kind === "title" ? "Tiêu đề" : "Đoạn " + (s.paragraph + 1);
      html += '<option value="' + i + '"></option>';
      seen[s.paragraph] = label + ": " + t;
    });
    if (sel.options.length === Object.keys(seen).length) return;
    sel.innerHTML = html;
    var labels = Object.keys(seen).map(function (k) {
      return seen[k];
    });
    for (var i = 0; i < sel.options.length; i++) sel.options[i].textContent = labels[i];
    if (prev) sel.value = prev;
  };

  P.playing = function () {
    return !!this.mode && !this.el.audio.paused;
  };

  P.duration = function () {
    var d = this.doc && this.doc.duration;
    if (!d && this.segs.length) {
      var s = this.segs[this.segs.length - 1];
      d = s.start + s.duration;
    }
    return d || 0;
  };

  P.knownEnd = function () {
    if (!this.segs.length) return 0;
    if (this.doc && this.doc.complete) return this.duration();
    var s = this.segs[this.segs.length - 1];
    return s.start + s.duration;
  };

  P.maxSeek = function () {
    return Math.max(0, this.knownEnd() - 0.05);
  };

  P.pos = function () {
    var a = this.el.audio;
    if (this.mode === "clips") return (this.segs[this.clip] ? this.segs[this.clip].start : 0) + (a.currentTime || 0);
    return a.currentTime || 0;
  };

  P.start = function (quiet) {
    var me = this, el = me.el, audio = el.audio;
    el.ctl.hidden = false;
    el.row2.hidden = false;
    var MS = window.MediaSource;
    if (me.doc.complete) {
      me.mode = "full";
      audio.src = me.doc.audio;
    } else if (MS && MS.isTypeSupported && MS.isTypeSupported("audio/mpeg")) {
      me.mode = "mse";
      me.openStream();
    } else {
      me.mode = "clips";
      me.clip = 0;
      audio.src = me.segs[0].audio;
    }
    me.applyRate();
    me.play();
    if (!quiet) el.main.focus(); // (not when the next article of a playlist starts by itself)
  };

  P.openStream = function () {
    var me = this, audio = me.el.audio, ms = new MediaSource();
    me.ms = ms;
    me.sb = null;
    me.appended = 0;
    me.fetching = false;
    ms.addEventListener("sourceopen", function () {
      if (me.ms !== ms) return;
      me.sb = ms.addSourceBuffer("audio/mpeg");
      me.sb.addEventListener("updateend", function () {
        me.pump();
      });
      me.pump();
    });
    if (me.url) URL.revokeObjectURL(me.url);
    me.url = URL.createObjectURL(ms);
    audio.src = me.url;
  };

  P.restartStream = function () {
    // the engine changed midway (auto mode fell back): the segments so far were replaced
    var wasPlaying = this.playing();
    this.openStream();
    this.applyRate();
    if (wasPlaying) this.play();
  };

  P.pump = function () {
    var me = this, sb = me.sb, seg = me.segs[me.appended];
    if (!sb || sb.updating || me.fetching || !seg || !seg.audio) return;
    me.fetching = true;
    var ms = me.ms;
    fetch(seg.audio, { credentials: "omit" })
      .then(function (r) {
        if (!r.ok) throw new Error("clip " + r.status);
        return r.arrayBuffer();
      })
      .then(function (buf) {
        me.fetching = false;
        if (me.ms !== ms || ms.readyState !== "open") return;
        sb.appendBuffer(buf);
        me.appended++;
      })
      .catch(function () {
        me.fetching = false;
        setTimeout(function () {
          me.pump();
        }, 1000);
      });
  };

  P.nextClip = function () {
    var me = this, next = me.clip + 1;
    if (me.pendingSwitch && me.segs[next]) return me.toFull(me.segs[next].start, true);
    if (!me.segs[next] || !me.segs[next].audio) {
      me.stalled = true;
      return;
    }
    me.stalled = false;
    me.clip = next;
    me.el.audio.src = me.segs[next].audio;
    me.applyRate();
    me.play();
  };

  P.toFull = function (at, resume) {
    var me = this, audio = me.el.audio;
    me.pendingSwitch = false;
    me.mode = "full";
    me.ms = me.sb = null;
    me.startAt = at;
    audio.src = me.doc.audio;
    me.applyRate();
    if (me.url) {
      URL.revokeObjectURL(me.url);
      me.url = null;
    }
    if (resume) me.play();
    else audio.load();
  };

  P.seek = function (t) {
    var me = this, audio = me.el.audio;
    if (!me.mode) return;
    t = Math.max(0, Math.min(t, me.maxSeek()));
    if (me.mode === "clips") {
      var i = me.segAt(t);
      if (i !== me.clip) {
        var resume = me.playing();
        me.clip = i;
        me.startAt = t - me.segs[i].start;
        audio.src = me.segs[i].audio;
        me.applyRate();
        if (resume) me.play();
        else audio.load();
      } else {
        audio.currentTime = t - me.segs[i].start;
      }
    } else if (audio.readyState > 0) {
      audio.currentTime = t;
    } else {
      me.startAt = t;
    }
    me.render();
  };

  P.segAt = function (t) {
    var segs = this.segs, i = 0;
    while (i + 1 < segs.length && segs[i + 1].start <= t + 0.001) i++;
    return i;
  };

  P.play = function () {
    var p = this.el.audio.play();
    if (p && p.catch) p.catch(function () {
      /* interrupted by a new source or blocked by autoplay rules: the button stays "Phát" */
    });
  };

  P.pause = function () {
    this.el.audio.pause();
    this.render(); /* the button says "Phát" at once, not only when the pause event comes */
  };

  P.applyRate = function () {
    var a = this.el.audio;
    a.defaultPlaybackRate = this.rate;
    a.playbackRate = this.rate;
    this.el.sp.textContent = speedText(this.rate);
    this.el.sp.setAttribute("aria-label", "Tốc độ " + speedText(this.rate));
  };

  P.setRate = function (r, remember) {
    if (remember) save(RATE_KEY, String(r));
    players.forEach(function (p) {
      p.rate = r;
      p.applyRate();
    });
  };

  P.ticking = function (on) {
    var me = this;
    clearInterval(me.tick);
    if (on) me.tick = setInterval(function () {
      me.render();
    }, 100);
  };

  P.render = function () {
    var me = this, el = me.el;
    if (!me.mode) return;
    var pos = me.pos(), dur = Math.max(me.duration(), pos);
    var playing = me.playing();
    el.lbl.textContent = playing ? "Tạm dừng" : "Phát";
    el.main.querySelector("path").setAttribute("d", ICONS[playing ? "pause" : "play"]);
    el.cur.textContent = clock(pos);
    el.dur.textContent = clock(dur);
    var sl = el.sl;
    sl.setAttribute("aria-valuemax", String(Math.round(dur)));
    sl.setAttribute("aria-valuenow", String(Math.round(pos)));
    sl.setAttribute("aria-valuetext", spoken(pos) + " trên " + spoken(dur));
    var pct = dur ? (100 * pos) / dur : 0;
    el.fi.style.width = pct + "%";
    el.th.style.left = pct + "%";
    me.highlight(pos);
    if (me.pendingSwitch && me.mode === "mse") {
      var i = me.segAt(pos), s = me.segs[i];
      var inGap = s && pos > s.start + s.duration + 0.02;
      var atEnd = me.appended >= me.segs.length && pos >= me.knownEnd() - 0.1;
      if (!playing || inGap || atEnd) me.toFull(pos, playing);
    }
    var now = Date.now();
    if (playing && now - (me.lastSession || 0) > 1000) {
      me.lastSession = now;
      me.position(pos, dur);
    }
  };

  P.highlight = function (pos) {
    var me = this, target = me.target();
    if (!target || !canHighlight() || !me.segs.length) return;
    if (me.mapped < me.segs.length) me.map(target);
    var i = me.segAt(pos), r = me.ranges[i];
    if (!r || !target.contains(r.startContainer)) {
      // the host page changed its text since it was mapped (or grew): map it again, once
      if (me.index && me.index.len !== target.textContent.length) {
        me.index = null;
        me.mapped = 0;
        me.map(target);
        r = me.ranges[i];
        me.cur = -1;
      }
    }
    me.word(i, r, pos);
    if (i === me.cur && CSS.highlights.get(HIGHLIGHT) === me.hl) return;
    me.cur = i;
    if (!r) {
      if (me.hl) CSS.highlights.delete(HIGHLIGHT);
      me.hl = null;
      return;
    }
    installHighlightStyle();
    me.hl = new Highlight(r);
    CSS.highlights.set(HIGHLIGHT, me.hl);
    if (me.el.follow.checked && me.playing()) {
      var box = r.getBoundingClientRect(), h = window.innerHeight;
      if (box.top < 0 || box.bottom > h) {
        window.scrollBy({ top: box.top - h / 3, behavior: reducedMotion() ? "auto" : "smooth" });
      }
    }
  };

  // the word being said (marks: [start, offset, length] a word, offset null where it cannot be
  // placed): one range swapped in one Highlight per word change, no DOM change, no layout read
  P.word = function (i, r, pos) {
    var me = this, marks = (r && me.segs[i].marks) || [], w = -1;
    while (w + 1 < marks.length && marks[w + 1][0] <= pos + 0.001) w++;
    var key = i + ":" + w;
    if (key === me.wkey && r === me.wr && CSS.highlights.get(WORD) === me.whl) return;
    me.wkey = key;
    me.wr = r;
    var range = w >= 0 && marks[w][1] != null && !reducedMotion() ? me.wordRange(i, marks[w]) : null;
    if (!me.whl) {
      me.whl = new Highlight();
      me.whl.priority = 1;
    }
    me.whl.clear();
    if (range) me.whl.add(range);
    CSS.highlights.set(WORD, me.whl);
  };

  P.wordRange = function (i, mark) {
    var me = this, span = me.spans[i], text = me.segs[i].text || "", index = me.index;
    if (!span || !index) return null;
    var chars = Array.from(text); // offsets count code points
    var fw = fold(chars.slice(mark[1], mark[1] + mark[2]).join(""));
    var at = span.start + fold(chars.slice(0, mark[1]).join("")).length;
    if (!fw) return null;
    if (index.text.substr(at, fw.length) !== fw) {
      // the page differs a little from the extracted text: the word nearby, inside the sentence
      at = index.text.indexOf(fw, Math.max(span.start, at - 12));
      if (at < 0 || at + fw.length > span.end) return null;
    }
    return toRange(index, { start: at, end: at + fw.length }, true);
  };

  P.target = function () {
    var sel = this.cfg.target;
    if (!sel) return null;
    try {
      return document.querySelector(sel);
    } catch (e) {
      return null;
    }
  };

  P.map = function (target) {
    var me = this;
    if (!me.index || me.index.root !== target) {
      me.index = pageIndex(target);
      me.index.root = target;
      me.index.len = target.textContent.length;
      me.ranges = [];
      me.mapped = 0;
    }
    var from = me.mapFrom || 0;
    if (!me.mapped) from = 0;
    for (var i = me.mapped; i < me.segs.length; i++) {
      // the title is usually outside the article body, and short: a match would be a false one
      var text = me.segs[i].text || "";
      // not after the previous one: it may come earlier on the page (content reordered, or an
      // earlier segment matched a repeated phrase too far on)
      var span = me.segs[i].kind === "title" ? null :
        locate(me.index, text, from) || locate(me.index, text, 0);
      me.ranges[i] = span ? toRange(me.index, span) : null;
      me.spans[i] = span;
      if (span) from = span.end;
    }
    me.mapFrom = from;
    me.mapped = me.segs.length;
  };

  P.session = function () {
    var ms = navigator.mediaSession, me = this;
    if (!ms || typeof window.MediaMetadata !== "function") return;
    ms.metadata = new MediaMetadata({
      title: (me.doc && me.doc.title) || document.title || "Bài viết",
      artist: (me.doc && me.doc.site) || location.hostname,
      album: "Loa"
    });
    var actions = {
      play: function () {
        me.play();
      },
      pause: function () {
        me.pause();
      },
      seekbackward: function (d) {
        me.seek(me.pos() - ((d && d.seekOffset) || 10));
      },
      seekforward: function (d) {
        me.seek(me.pos() + ((d && d.seekOffset) || 10));
      },
      seekto: function (d) {
        if (d && d.seekTime != null) me.seek(d.seekTime);
      }
    };
    Object.keys(actions).forEach(function (k) {
      try {
        ms.setActionHandler(k, actions[k]);
      } catch (e) {
        /* an action this browser does not know */
      }
    });
  };

  P.position = function (pos, dur) {
    var ms = navigator.mediaSession;
    if (!ms || !ms.setPositionState || !dur) return;
    try {
      ms.setPositionState({ duration: dur, position: Math.min(pos, dur), playbackRate: this.rate });
    } catch (e) {
      /* inconsistent values while the duration is an estimate */
    }
  };

  // --- finding the places to put players ------------------------------------------------------

  function config(node, base) {
    var d = node.dataset;
    return {
      article: d.article || "",
      site: d.site || "",
      externalId: d.externalId || "",
      playlist: d.playlist || "",
      target: d.target || "",
      base: d.base || base || defaultBase
    };
  }

  function mount(node, options) {
    if (!node || node._loaPlayer) return node && node._loaPlayer;
    var cfg = options || config(node);
    if (!cfg.article && !(cfg.site && cfg.externalId) && !cfg.playlist) return null;
    node._loaPlayer = new Player(node, cfg);
    return node._loaPlayer;
  }

  function fromScript(script) {
    if (!script || script._loaPlayer) return;
    var cfg = config(script, baseOf(script));
    if (!cfg.article && !(cfg.site && cfg.externalId) && !cfg.playlist) return;
    var host = document.createElement("loa-player");
    var parent = script.parentNode;
    if (!parent || parent === document.head || parent.nodeName === "HEAD") {
      var t = cfg.target && document.querySelector(cfg.target);
      if (t && t.parentNode) t.parentNode.insertBefore(host, t);
      else if (document.body) document.body.insertBefore(host, document.body.firstChild);
      else return;
    } else {
      parent.insertBefore(host, script);
    }
    script._loaPlayer = mount(host, cfg);
  }

  function scan() {
    var nodes = document.querySelectorAll("[data-loa-player]");
    for (var i = 0; i < nodes.length; i++) mount(nodes[i]);
  }

  window.Loa = { mount: mount, scan: scan, fromScript: fromScript };

  var inHead = current && current.parentNode && current.parentNode.nodeName === "HEAD";
  if (!inHead) fromScript(current); // where the tag stands, even while the page still loads
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      fromScript(current);
      scan();
    });
  } else {
    fromScript(current);
    scan();
  }
})();
