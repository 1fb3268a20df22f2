// The interactive graph of kg's graph.html: a small force-directed layout on SVG, a search box,
// a legend that hides classes, and a panel with the facts of the clicked node and their evidence.
// No library and no network access: everything it needs is in the page.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var COLOURS = {
    State: "#1f77b4", Official: "#ff7f0e", Meeting: "#2ca02c", WorkingGroup: "#17becf",
    ThreatGroup: "#d62728", Attack: "#8c564b", InternationalOrganisation: "#9467bd",
    GovernmentBody: "#bcbd22", Organisation: "#7f7f7f", Place: "#e377c2"
  };
  var SPARE = ["#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94"];
  var EVENTS = { Meeting: true, Attack: true };
  var LINK_LENGTH = 60, CHARGE = -220, GRAVITY = 0.04, DECAY = 0.4, TICKS = 320;

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var nodes = data.nodes, links = data.links, articles = data.articles;
  var n = nodes.length;

  var app = document.getElementById("app");
  var svg = document.getElementById("graph");
  var viewport = document.getElementById("viewport");
  var linkLayer = document.getElementById("links");
  var nodeLayer = document.getElementById("nodes");
  var panel = document.getElementById("facts");
  var search = document.getElementById("search");
  var matchList = document.getElementById("matches");
  var legend = document.getElementById("legend");

  function colour(cls) {
    if (!COLOURS[cls]) { COLOURS[cls] = SPARE[Object.keys(COLOURS).length % SPARE.length]; }
    return COLOURS[cls];
  }
  function el(name, attrs, text) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function svgEl(name, attrs) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  // ---------------------------------------------------------------- structure
  var degree = new Array(n).fill(0);
  var neighbours = nodes.map(function () { return {}; });
  links.forEach(function (l) {
    degree[l[0]] += 1; degree[l[1]] += 1;
    neighbours[l[0]][l[1]] = true; neighbours[l[1]][l[0]] = true;
  });
  var ranked = degree.slice().sort(function (a, b) { return b - a; });
  var labelFloor = n <= 120 ? 0 : ranked[Math.min(60, n - 1)] + 1;
  function radius(i) { return 5 + Math.min(14, Math.sqrt(degree[i]) * 2.5); }

  // ---------------------------------------------------------------- layout
  var x = new Float64Array(n), y = new Float64Array(n);
  var vx = new Float64Array(n), vy = new Float64Array(n);
  var pinned = new Uint8Array(n);
  for (var i = 0; i < n; i += 1) {           // a sunflower spiral: the same start every time
    var r = LINK_LENGTH * 0.7 * Math.sqrt(i + 0.5), a = i * 2.399963229728653;
    x[i] = r * Math.cos(a); y[i] = r * Math.sin(a);
  }

  function repelPairs(i, j, alpha) {
    var dx = x[j] - x[i], dy = y[j] - y[i], d2 = dx * dx + dy * dy;
    if (d2 < 1) { dx = (i - j) * 0.01 + 0.5; dy = 0.5; d2 = dx * dx + dy * dy; }
    var f = CHARGE * alpha / d2;
    vx[i] += dx * f; vy[i] += dy * f; vx[j] -= dx * f; vy[j] -= dy * f;
  }
  function repel(alpha) {
    if (n <= 900) {
      for (var i = 0; i < n; i += 1) { for (var j = i + 1; j < n; j += 1) { repelPairs(i, j, alpha); } }
      return;
    }
    var size = LINK_LENGTH * 3, grid = {};           // large graphs: only near nodes push each other
    for (var k = 0; k < n; k += 1) {
      var key = Math.floor(x[k] / size) + ":" + Math.floor(y[k] / size);
      (grid[key] = grid[key] || []).push(k);
    }
    for (var p = 0; p < n; p += 1) {
      var cx = Math.floor(x[p] / size), cy = Math.floor(y[p] / size);
      for (var ox = -1; ox <= 1; ox += 1) {
        for (var oy = -1; oy <= 1; oy += 1) {
          var cell = grid[(cx + ox) + ":" + (cy + oy)] || [];
          for (var q = 0; q < cell.length; q += 1) { if (cell[q] > p) { repelPairs(p, cell[q], alpha); } }
        }
      }
    }
  }
  function tick(alpha) {
    repel(alpha);
    links.forEach(function (l) {
      var s = l[0], t = l[1], dx = x[t] - x[s], dy = y[t] - y[s];
      var d = Math.sqrt(dx * dx + dy * dy) || 1, f = (d - LINK_LENGTH) / d * alpha * 0.5;
      var bias = degree[s] / (degree[s] + degree[t]);
      vx[t] -= dx * f * bias; vy[t] -= dy * f * bias;
      vx[s] += dx * f * (1 - bias); vy[s] += dy * f * (1 - bias);
    });
    for (var i = 0; i < n; i += 1) {
      vx[i] -= x[i] * GRAVITY * alpha; vy[i] -= y[i] * GRAVITY * alpha;
      if (pinned[i]) { vx[i] = 0; vy[i] = 0; continue; }
      vx[i] *= 1 - DECAY; vy[i] *= 1 - DECAY;
      x[i] += vx[i]; y[i] += vy[i];
    }
  }

  // ---------------------------------------------------------------- drawing
  var lineEls = links.map(function (l) {
    var line = svgEl("line");
    line.appendChild(svgEl("title")).textContent = nodes[l[0]].label + " — " + l[2] + " — " + nodes[l[1]].label;
    linkLayer.appendChild(line);
    return line;
  });
  var nodeEls = nodes.map(function (node, i) {
    var g = svgEl("g", { "class": "node", "data-id": node.id, "data-index": i, "data-class": node.cls, tabindex: "0" });
    g.appendChild(svgEl("circle", { r: radius(i), fill: colour(node.cls) }));
    var label = svgEl("text", { x: radius(i) + 3, y: 4 });
    label.textContent = node.label.length > 48 ? node.label.slice(0, 47) + "…" : node.label;
    g.appendChild(label);
    g.appendChild(svgEl("title")).textContent = node.label + " (" + node.cls + ")";
    if (degree[i] < labelFloor) { g.classList.add("quiet"); }
    nodeLayer.appendChild(g);
    return g;
  });
  function draw() {
    for (var k = 0; k < links.length; k += 1) {
      var l = links[k], line = lineEls[k];
      line.setAttribute("x1", x[l[0]].toFixed(1)); line.setAttribute("y1", y[l[0]].toFixed(1));
      line.setAttribute("x2", x[l[1]].toFixed(1)); line.setAttribute("y2", y[l[1]].toFixed(1));
    }
    for (var i = 0; i < n; i += 1) {
      nodeEls[i].setAttribute("transform", "translate(" + x[i].toFixed(1) + "," + y[i].toFixed(1) + ")");
    }
  }

  // ---------------------------------------------------------------- zoom and pan
  var view = { k: 1, tx: 0, ty: 0 }, touched = false;  // touched: the reader moved the picture
  function applyView() {
    viewport.setAttribute("transform", "translate(" + view.tx + "," + view.ty + ") scale(" + view.k + ")");
    var showAll = view.k >= 1.8;
    nodeEls.forEach(function (g, i) { g.classList.toggle("quiet", !showAll && degree[i] < labelFloor); });
  }
  function fit() {
    var box = svg.getBoundingClientRect();
    if (!n || !box.width) { return; }
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (var i = 0; i < n; i += 1) {
      if (nodeEls[i].classList.contains("hidden")) { continue; }
      minX = Math.min(minX, x[i]); maxX = Math.max(maxX, x[i]); minY = Math.min(minY, y[i]); maxY = Math.max(maxY, y[i]);
    }
    if (minX === Infinity) { return; }
    var pad = 60, w = Math.max(maxX - minX, 1), h = Math.max(maxY - minY, 1);
    view.k = Math.min(2, Math.min((box.width - 2 * pad) / w, (box.height - 2 * pad) / h));
    view.tx = box.width / 2 - view.k * (minX + maxX) / 2;
    view.ty = box.height / 2 - view.k * (minY + maxY) / 2;
    applyView();
  }
  function centreOn(i) {
    touched = true;
    var box = svg.getBoundingClientRect();
    view.tx = box.width / 2 - view.k * x[i];
    view.ty = box.height / 2 - view.k * y[i];
    applyView();
  }
  function toGraph(event) {
    var box = svg.getBoundingClientRect();
    return [(event.clientX - box.left - view.tx) / view.k, (event.clientY - box.top - view.ty) / view.k];
  }
  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    var box = svg.getBoundingClientRect(), px = event.clientX - box.left, py = event.clientY - box.top;
    var k = Math.max(0.05, Math.min(8, view.k * Math.exp(-event.deltaY * 0.0015)));
    touched = true;
    view.tx = px - (px - view.tx) * k / view.k; view.ty = py - (py - view.ty) * k / view.k; view.k = k;
    applyView();
  }, { passive: false });

  var drag = null;
  svg.addEventListener("pointerdown", function (event) {
    var target = event.target.closest ? event.target.closest(".node") : null;
    drag = { node: target ? Number(target.getAttribute("data-index")) : -1, x: event.clientX, y: event.clientY, moved: false };
    if (drag.node < 0) { svg.classList.add("panning"); }
    if (svg.setPointerCapture) { svg.setPointerCapture(event.pointerId); }
  });
  svg.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; }
    if (!drag.moved) { return; }
    if (drag.node >= 0) {
      var at = toGraph(event);
      x[drag.node] = at[0]; y[drag.node] = at[1]; pinned[drag.node] = 1; draw();
    } else {
      view.tx += dx; view.ty += dy; drag.x = event.clientX; drag.y = event.clientY; touched = true; applyView();
    }
  });
  svg.addEventListener("pointerup", function () {
    if (drag && !drag.moved) { select(drag.node); }
    drag = null; svg.classList.remove("panning");
  });
  nodeEls.forEach(function (g, i) {
    g.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { select(i); } });
  });

  // ---------------------------------------------------------------- the facts panel
  var selected = -1;
  function nodeLink(i) {
    var a = el("a", { "class": "node-link", href: "#", "data-index": i }, nodes[i].label);
    a.addEventListener("click", function (event) { event.preventDefault(); select(i); centreOn(i); });
    return a;
  }
  function articleLine(index) {
    var article = articles[index];
    var line = el("div", { "class": "source" });
    if (!article) { line.textContent = "from the reference data"; return line; }
    line.appendChild(document.createTextNode("stated in "));
    var name = article.url ? el("a", { href: article.url, rel: "noreferrer noopener", target: "_blank" }) : el("cite");
    name.textContent = article.title;
    line.appendChild(name);
    var more = [article.publisher, article.published].filter(Boolean).join(", ");
    line.appendChild(document.createTextNode(more ? " (" + more + ")" : ""));
    return line;
  }
  function sources(src, withEvidence) {
    var box = document.createDocumentFragment();
    src.forEach(function (s) {
      box.appendChild(articleLine(s.a));
      if (withEvidence) {
        s.ev.forEach(function (sentence) { box.appendChild(el("blockquote", { "class": "evidence" }, sentence)); });
      }
    });
    return box;
  }
  function showFacts(i) {
    var node = nodes[i], isEvent = !!EVENTS[node.cls];
    panel.textContent = "";
    panel.appendChild(el("h2", {}, node.label));
    var cls = el("span", { "class": "cls" }, node.cls);
    cls.style.background = colour(node.cls);
    panel.appendChild(cls);
    panel.appendChild(el("div", { "class": "iri" }, node.id));
    if (node.alt.length) { panel.appendChild(el("p", {}, "Also named: " + node.alt.join("; "))); }
    if (isEvent && node.read && node.read.length) {
      panel.appendChild(el("h3", {}, "Read from"));
      node.read.forEach(function (r) {
        panel.appendChild(articleLine(r.a));
        r.ev.forEach(function (sentence) { panel.appendChild(el("blockquote", { "class": "evidence" }, sentence)); });
      });
    }
    var outgoing = node.facts.filter(function (f) { return f.dir === "out"; });
    var incoming = node.facts.filter(function (f) { return f.dir === "in"; });
    if (outgoing.length) {
      panel.appendChild(el("h3", {}, "Facts"));
      var list = el("ul");
      outgoing.forEach(function (f) {
        var li = el("li", { "class": "fact" });
        li.appendChild(el("span", { "class": "prop" }, f.p + ": "));
        li.appendChild(f.node === null ? el("span", { "class": "value" }, f.value) : nodeLink(f.node));
        li.appendChild(sources(f.src, !isEvent));
        list.appendChild(li);
      });
      panel.appendChild(list);
    }
    if (incoming.length) {
      panel.appendChild(el("h3", {}, "Named in facts of"));
      var back = el("ul");
      incoming.forEach(function (f) {
        var li = el("li", { "class": "fact" });
        li.appendChild(nodeLink(f.node));
        li.appendChild(el("span", { "class": "prop" }, " — " + f.p));
        li.appendChild(sources(f.src, true));
        back.appendChild(li);
      });
      panel.appendChild(back);
    }
    if (node.articles.length) {
      panel.appendChild(el("h3", {}, "Named in"));
      node.articles.forEach(function (a) { panel.appendChild(articleLine(a)); });
    }
  }
  function select(i) {
    nodeEls.forEach(function (g) { g.classList.remove("selected"); g.classList.remove("dim"); });
    lineEls.forEach(function (line) { line.classList.remove("hot"); line.classList.remove("dim"); });
    selected = i;
    app.setAttribute("data-selected", i >= 0 ? nodes[i].id : "");
    if (i < 0) { return; }
    nodeEls[i].classList.add("selected");
    nodeEls.forEach(function (g, j) { if (j !== i && !neighbours[i][j]) { g.classList.add("dim"); } });
    links.forEach(function (l, k) {
      lineEls[k].classList.add(l[0] === i || l[1] === i ? "hot" : "dim");
    });
    showFacts(i);
  }

  // ---------------------------------------------------------------- search
  function matching(text) {
    var q = text.trim().toLowerCase();
    if (!q) { return []; }
    var found = [];
    nodes.forEach(function (node, i) {
      var names = [node.label].concat(node.alt);
      if (names.some(function (name) { return name.toLowerCase().indexOf(q) >= 0; })) { found.push(i); }
    });
    return found;
  }
  function showMatches() {
    var found = matching(search.value);
    matchList.textContent = "";
    nodeEls.forEach(function (g, i) {
      g.classList.toggle("match", found.indexOf(i) >= 0);
      g.classList.toggle("dim", found.length > 0 && found.indexOf(i) < 0);
    });
    matchList.hidden = !search.value.trim();
    if (!search.value.trim()) { return found; }
    if (!found.length) { matchList.appendChild(el("li", {}, "no match")); }
    found.slice(0, 25).forEach(function (i) {
      var li = el("li", { tabindex: "0", "data-index": i }, nodes[i].label + " (" + nodes[i].cls + ")");
      function pick() { matchList.hidden = true; select(i); centreOn(i); }
      li.addEventListener("click", pick);
      li.addEventListener("keydown", function (event) { if (event.key === "Enter") { pick(); } });
      matchList.appendChild(li);
    });
    return found;
  }
  search.addEventListener("input", showMatches);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var found = showMatches();
      if (found.length) { matchList.hidden = true; select(found[0]); centreOn(found[0]); }
    } else if (event.key === "Escape") {
      search.value = ""; showMatches(); select(-1);
    }
  });

  // ---------------------------------------------------------------- legend
  data.classes.forEach(function (cls) {
    var count = nodes.filter(function (node) { return node.cls === cls; }).length;
    var item = el("li", { "data-class": cls, tabindex: "0" });
    var swatch = el("span", { "class": "swatch" });
    swatch.style.background = colour(cls);
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(cls + " (" + count + ")"));
    function toggle() {
      var off = item.classList.toggle("off");
      nodeEls.forEach(function (g, i) { if (nodes[i].cls === cls) { g.classList.toggle("hidden", off); } });
      links.forEach(function (l, k) {
        var gone = nodeEls[l[0]].classList.contains("hidden") || nodeEls[l[1]].classList.contains("hidden");
        lineEls[k].classList.toggle("hidden", gone);
      });
    }
    item.addEventListener("click", toggle);
    item.addEventListener("keydown", function (event) { if (event.key === "Enter") { toggle(); } });
    legend.appendChild(item);
  });

  // ---------------------------------------------------------------- run
  var shown = nodeLayer.querySelectorAll(".node").length;
  svg.setAttribute("data-node-count", String(shown));
  app.setAttribute("data-node-count", String(shown));
  document.getElementById("count").textContent = shown + " nodes, " + links.length + " links";
  var alpha = 1, done = 0;
  function step() {
    var started = Date.now();
    while (done < TICKS && Date.now() - started < 14) { tick(alpha); alpha *= 0.985; done += 1; }
    draw();
    if (done < TICKS) { if (!touched) { fit(); } window.requestAnimationFrame(step); return; }
    if (!touched) { fit(); }
    app.setAttribute("data-ready", "true");
  }
  draw();
  fit();
  window.kgGraph = { select: select, nodes: nodes, ready: function () { return done >= TICKS; } };
  window.requestAnimationFrame(step);
})();
