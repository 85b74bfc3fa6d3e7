/* The demo page at "/": post an article, listen in the Loa player, follow the recent articles. */
(function () {
  "use strict";
  var $ = function (id) {
    return document.getElementById(id);
  };
  var base = location.origin;
  var KEY = "loa-api-key";
  var needsKey = document.body.getAttribute("data-needs-key") === "true";
  var STATUS = { queued: "Đang chờ", processing: "Đang tạo", ready: "Sẵn sàng", failed: "Lỗi" };
  var shown = null;

  if (needsKey) {
    document.querySelector(".key").hidden = false;
    try {
      $("key").value = sessionStorage.getItem(KEY) || "";
    } catch (e) {
      /* no session storage: the key is asked again after a reload */
    }
  }

  function clock(s) {
    s = Math.round(s || 0);
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }

  function say(msg, isError) {
    var el = $("form-msg");
    el.textContent = msg;
    el.className = isError ? "error" : "";
  }

  $("post").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = $("text").value, url = $("url").value.trim(), body = { voice: $("voice").value };
    var title = $("title").value.trim();
    if (title) body.title = title;
    if (text.trim()) {
      if (/<\/?[a-z][^>]*>/i.test(text)) body.html = text;
      else body.text = text;
    } else if (url) {
      body.url = url;
    } else {
      say("Hãy dán nội dung bài viết hoặc nhập địa chỉ trang.", true);
      $("text").focus();
      return;
    }
    var headers = { "Content-Type": "application/json" };
    if (needsKey) {
      var key = $("key").value.trim();
      if (!key) {
        say("Hãy nhập khóa API.", true);
        $("key").focus();
        return;
      }
      try {
        sessionStorage.setItem(KEY, key);
      } catch (e) {
        /* kept for this page only */
      }
      headers.Authorization = "Bearer " + key;
    }
    say("Đang gửi…");
    fetch(base + "/v1/articles", { method: "POST", headers: headers, body: JSON.stringify(body) })
      .then(function (r) {
        return r.json().then(function (data) {
          return { ok: r.ok, data: data };
        });
      })
      .then(function (res) {
        if (!res.ok) {
          var e = res.data.error || {};
          say("Không tạo được: " + (e.message || "lỗi không rõ"), true);
          return;
        }
        say("Đã nhận. Nút nghe sẽ hiện khi có âm thanh.");
        show(res.data);
        refresh();
      })
      .catch(function () {
        say("Không kết nối được với máy chủ.", true);
      });
  });

  function show(article) {
    shown = article.id;
    $("listen").hidden = false;
    $("listen-title").textContent = article.title || "(không tiêu đề)";
    var slot = $("player-slot");
    slot.textContent = "";
    var div = document.createElement("div");
    div.setAttribute("data-loa-player", "");
    div.setAttribute("data-article", article.id);
    div.setAttribute("data-target", "#article-view");
    slot.appendChild(div);
    window.Loa.mount(div);
    var view = $("article-view");
    view.textContent = "";
    view.hidden = true;
    view.removeAttribute("data-count");
    follow(article.id);
    var attr = function (v) {
      return String(v).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
    };
    var ext = article.external_id
      ? 'data-site="' + attr(article.site) + '" data-external-id="' + attr(article.external_id) + '"'
      : 'data-article="' + article.id + '"';
    $("snippet").textContent =
      '<script src="' + base + '/player.js" ' + ext + ' data-target="#article-body" async></script>';
    $("copy-msg").textContent = "";
  }

  /* the article's text, as it is read, so the player can highlight it on this page too */
  function follow(id) {
    fetch(base + "/v1/player/articles/" + id, { cache: "no-store" })
      .then(function (r) {
        return r.json();
      })
      .then(function (doc) {
        if (shown !== id) return;
        if (doc.title) $("listen-title").textContent = doc.title;
        var segs = doc.segments || [], view = $("article-view");
        if (segs.length && String(segs.length) !== view.getAttribute("data-count")) {
          view.textContent = "";
          var para = null, last = null;
          segs.forEach(function (s) {
            if (s.paragraph !== last) {
              para = document.createElement(s.kind === "title" ? "h3" : "p");
              view.appendChild(para);
              last = s.paragraph;
            } else {
              para.appendChild(document.createTextNode(" "));
            }
            para.appendChild(document.createTextNode(s.text));
          });
          view.setAttribute("data-count", String(segs.length));
          view.hidden = false;
        }
        if (doc.status === "queued" || doc.status === "processing") {
          setTimeout(function () {
            follow(id);
          }, 1500);
        }
      })
      .catch(function () {
        setTimeout(function () {
          follow(id);
        }, 3000);
      });
  }

  $("copy").addEventListener("click", function () {
    var text = $("snippet").textContent;
    var done = function () {
      $("copy-msg").textContent = "Đã sao chép.";
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {
        selectSnippet();
      });
    } else {
      selectSnippet();
    }
  });

  function selectSnippet() {
    var range = document.createRange();
    range.selectNodeContents($("snippet"));
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    $("copy-msg").textContent = "Đã chọn mã: nhấn Ctrl+C để sao chép.";
  }

  var timer = null;
  function refresh() {
    clearTimeout(timer);
    fetch(base + "/v1/player/recent?limit=20", { cache: "no-store" })
      .then(function (r) {
        return r.json();
      })
      .then(function (data) {
        var list = $("recent"), busy = false;
        list.textContent = "";
        $("recent-empty").hidden = data.articles.length > 0;
        data.articles.forEach(function (a) {
          var li = document.createElement("li");
          var title = document.createElement("span");
          title.textContent = a.title || "(không tiêu đề)";
          var st = document.createElement("span");
          st.className = "st " + a.status;
          var label = STATUS[a.status] || a.status;
          if (a.status === "processing" && a.progress.total) {
            label += " " + a.progress.done + "/" + a.progress.total;
          }
          if (a.status === "ready" && a.duration) label += " · " + clock(a.duration);
          st.textContent = label;
          li.appendChild(st);
          li.appendChild(title);
          if (a.status !== "failed") {
            var b = document.createElement("button");
            b.type = "button";
            b.textContent = "Nghe";
            b.setAttribute("aria-label", "Nghe: " + (a.title || "bài viết"));
            b.addEventListener("click", function () {
              show(a);
              $("listen").scrollIntoView();
            });
            li.appendChild(b);
          } else if (a.error) {
            var err = document.createElement("span");
            err.className = "err";
            err.textContent = a.error;
            li.appendChild(err);
          }
          if (a.status === "queued" || a.status === "processing") busy = true;
          list.appendChild(li);
        });
        timer = setTimeout(refresh, busy ? 1500 : 10000);
      })
      .catch(function () {
        timer = setTimeout(refresh, 5000);
      });
  }
  refresh();
})();
