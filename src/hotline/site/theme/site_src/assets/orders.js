/* 工单查询：在浏览器中按编号、标题文字或单位查找工单，并显示其办理时间线。
   数据来自本站自带的 JSON 文件（assets/data/），不联网。 */
(function () {
  "use strict";
  var root = document.getElementById("hl-orders");
  if (!root) { return; }
  var base = root.dataset.base;
  var input = root.querySelector("input[type=search]");
  var info = root.querySelector(".hl-count");
  var results = root.querySelector(".hl-results");
  var detail = document.getElementById("hl-order");
  var index = null, byId = {}, shards = {};
  var LIMIT = 100;

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { e.textContent = attrs[k]; } else if (k === "class") { e.className = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); } });
    return e;
  }
  function getJSON(url) {
    return fetch(url).then(function (r) { if (!r.ok) { throw new Error(url + " " + r.status); } return r.json(); });
  }
  function unitNames(ids) { return ids.map(function (u) { return index.units[u] || u; }).join("、"); }
  function tag(text, cls) { return el("span", { "class": "hl-tag " + (cls || ""), text: text }); }

  function matches(row, terms) {
    var hay = (row[0] + " " + row[1] + " " + unitNames(row[3]) + " " + row[3].join(" ")).toLowerCase();
    return terms.every(function (t) { return hay.indexOf(t) >= 0; });
  }
  function search() {
    var q = input.value.trim().toLowerCase();
    results.textContent = "";
    if (!q) { info.textContent = "共 " + index.orders.length + " 件工单。输入工单编号、标题中的文字或单位名称查找。"; return; }
    var terms = q.split(/\s+/), found = [];
    for (var i = 0; i < index.orders.length && found.length <= LIMIT; i++) {
      if (matches(index.orders[i], terms)) { found.push(index.orders[i]); }
    }
    info.textContent = found.length > LIMIT ? "找到超过 " + LIMIT + " 件，只显示前 " + LIMIT + " 件：请输入更多文字缩小范围。" : "找到 " + found.length + " 件。";
    if (!found.length) { return; }
    var tbody = el("tbody");
    found.slice(0, LIMIT).forEach(function (r) {
      var a = el("a", { href: "?id=" + encodeURIComponent(r[0]), text: r[0], "data-id": r[0] });
      var flags = [];
      if (r[5].indexOf("o") >= 0) { flags.push(tag("逾期", "hl-bad")); }
      if (r[5].indexOf("s") >= 0) { flags.push(tag("即将到期", "hl-warn")); }
      tbody.appendChild(el("tr", {}, [el("td", {}, [a]), el("td", { text: r[1] }), el("td", { text: r[2] }),
        el("td", { text: unitNames(r[3]) }), el("td", {}, [r[4]].concat(flags.length ? [" "] : []).concat(flags))]));
    });
    var head = el("tr", {}, ["工单编号", "标题", "受理月份", "承办单位", "状态"].map(function (h) { return el("th", { text: h }); }));
    results.appendChild(el("div", { "class": "hl-scroll" }, [el("table", { "class": "hl-table" }, [el("thead", {}, [head]), tbody])]));
  }

  function row(label, value) { return el("tr", {}, [el("th", { text: label }), el("td", {}, [value])]); }
  function showOrder(id) {
    detail.textContent = "";
    var r = byId[id];
    if (!r) { detail.appendChild(el("p", { "class": "hl-bad", text: "没有找到编号为 " + id + " 的工单。" })); return; }
    var month = r[2];
    var load = shards[month] || (shards[month] = getJSON(base + "orders/" + month + ".json"));
    load.then(function (shard) {
      var o = shard[id];
      detail.textContent = "";
      detail.appendChild(el("h2", { id: "order-" + id, text: id + " " + o.title }));
      if (o.provisional) {
        detail.appendChild(el("div", { "class": "admonition warning" }, [el("p", { "class": "admonition-title", text: "临时日历" }),
          el("p", { text: "本工单的办理期限涉及尚无法定节假日数据的年份，只按周末推算，仅供参考。" })]));
      }
      var facts = el("tbody", {}, [
        row("诉求类别", o.category + (o.emergency ? "（突发）" : "")), row("受理时间", o.received),
        row("诉求人", o.citizen || "—"), row("地址", o.address || "—"), row("诉求内容", o.content),
        row("标签", o.tags.length ? o.tags.join("、") : "—")]);
      detail.appendChild(el("table", { "class": "hl-table" }, [facts]));
      detail.appendChild(el("h3", { text: "派单与办理情况" }));
      var dh = el("tr", {}, ["承办单位", "主办/会办", "派单时间", "办理期限", "接收时间", "答复时间", "状态", "说明"].map(function (h) { return el("th", { text: h }); }));
      var db = el("tbody");
      o.dispatches.forEach(function (d) {
        var st = [d.status];
        if (d.merged_into) {  /* 已并单：链接到并入的工单 */
          st.push("（并入 ", el("a", { href: "?id=" + encodeURIComponent(d.merged_into), "class": "hl-merged", text: d.merged_into }), "）");
        }
        if (d.overdue) { st.push(" ", tag("逾期", "hl-bad")); } else if (d.due_soon) { st.push(" ", tag("即将到期", "hl-warn")); }
        db.appendChild(el("tr", {}, [el("td", { text: index.units[d.unit] || d.unit }), el("td", { text: d.role }), el("td", { text: d.dispatched }),
          el("td", { text: d.due + (d.provisional ? "（临时）" : "") }), el("td", { text: d.accepted || "—" }), el("td", { text: d.replied || "—" }),
          el("td", {}, st), el("td", { "class": "hl-text", text: d.remarks || "" })]));
      });
      detail.appendChild(el("div", { "class": "hl-scroll" }, [el("table", { "class": "hl-table hl-wide" }, [el("thead", {}, [dh]), db])]));
      /* 一键登记：代码托管平台上预先填好工单编号和单位的议题表单 */
      o.dispatches.forEach(function (d) {
        if (!d.forms || !d.forms.length) { return; }
        var links = d.forms.map(function (f, i) {
          return el("a", { "class": "md-button" + (i === 0 ? " md-button--primary" : ""), href: f[1], target: "_blank", rel: "noopener", text: "登记" + f[0] });
        });
        detail.appendChild(el("p", { "class": "hl-record", "data-unit": d.unit }, [(index.units[d.unit] || d.unit) + "："].concat(links)));
      });
      detail.appendChild(el("h3", { text: "时间线" }));
      if (!o.history) {
        detail.appendChild(el("p", { "class": "hl-muted", text: o.history_note || "未读取 Git 历史：只显示事件声明的时间。" }));
      }
      var list = el("ol", { "class": "hl-timeline" });
      o.events.forEach(function (e) {
        var cls = e.rewritten ? "hl-rewritten" : (e.late ? "hl-late" : "");
        var head = el("div", {}, [el("span", { "class": "hl-when", text: e.at }), " ", el("strong", { text: e.type }),
          e.unit ? " · " + (index.units[e.unit] || e.unit) : "", e.by ? " · " + e.by : ""]);
        var body = e.text ? el("div", { text: e.text }) : null;
        if (e.attachments && e.attachments.length) {
          var files = [el("span", { text: "附件：" })];
          e.attachments.forEach(function (name, i) {
            if (i) { files.push("、"); }
            files.push(el("a", { href: "../attachments/" + encodeURIComponent(id) + "/" + encodeURIComponent(name), text: name }));
          });
          body = el("div", {}, (body ? [body] : []).concat([el("div", { "class": "hl-attachments" }, files)]));
        }
        var meta = [];
        if (e.recorded) { meta.push("入库 " + e.recorded); }
        if (e.commit) { meta.push("提交 " + e.commit); }
        if (e.author) { meta.push("提交人 " + e.author); }
        var flags = [];
        if (e.late) { flags.push(tag("补录过晚", "hl-warn")); }
        if (e.rewritten) { flags.push(tag("已被改写", "hl-bad")); }
        var metaEl = (meta.length || flags.length) ? el("div", { "class": "hl-meta" }, [meta.join(" · ")].concat(flags.length ? [" "] : []).concat(flags)) : null;
        var original = e.original ? el("div", { "class": "hl-original" }, [el("span", { text: "原记录（改写前）：" }), el("code", { text: e.original })]) : null;
        list.appendChild(el("li", { "class": cls, "data-type": e.type }, [head, body, metaEl, original]));
      });
      detail.appendChild(list);
      detail.querySelector("h2").scrollIntoView();  /* the heading's scroll-margin keeps it below the sticky header */
    }).catch(function (err) { detail.appendChild(el("p", { "class": "hl-bad", text: "工单数据读取失败：" + err.message })); });
  }

  function fromURL() {
    var id = new URLSearchParams(window.location.search).get("id");
    if (id) { showOrder(id); } else { detail.textContent = ""; }
  }
  results.addEventListener("click", function (ev) {
    var a = ev.target.closest("a[data-id]");
    if (!a) { return; }
    ev.preventDefault();
    history.pushState({}, "", "?id=" + encodeURIComponent(a.dataset.id));
    showOrder(a.dataset.id);
  });
  window.addEventListener("popstate", fromURL);
  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 120); });

  getJSON(base + "orders-index.json").then(function (data) {
    index = data;
    index.orders.forEach(function (r) { byId[r[0]] = r; });
    input.disabled = false;
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { input.value = q; }
    search();
    fromURL();
  }).catch(function (err) { info.textContent = "工单索引读取失败：" + err.message; });
})();
