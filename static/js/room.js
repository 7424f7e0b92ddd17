// Projector view of room mode: polls the session's live JSON every few seconds and shows the cards
// handed in and the open round's tally. Text goes in as text (never HTML).
(function () {
  "use strict";
  var root = document.querySelector("[data-room-live]");
  if (!root) { return; }
  var url = root.getAttribute("data-room-live");
  var cards = root.querySelector("[data-room-cards]");
  var bars = root.querySelector("[data-room-bars]");
  var phones = root.querySelector("[data-room-phones]");
  var roundTitle = root.querySelector("[data-room-round-title]");
  var voters = root.querySelector("[data-room-voters]");
  var votedText = root.getAttribute("data-text-voters");
  var lang = document.documentElement.lang;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function showCards(list) {
    var known = {};
    Array.prototype.forEach.call(cards.children, function (li) { known[li.getAttribute("data-card")] = true; });
    list.forEach(function (card) {
      if (known[String(card.id)]) { return; }
      var li = element("li", "room-card");
      li.setAttribute("data-card", String(card.id));
      li.appendChild(element("strong", "", card.title));
      if (card.text) { li.appendChild(element("p", "", card.text)); }
      if (card.name) { li.appendChild(element("p", "hint", card.name)); }
      cards.insertBefore(li, cards.firstChild);
    });
  }

  function showRound(round) {
    if (!round) { return; }
    roundTitle.hidden = false;
    roundTitle.textContent = round.title;
    voters.hidden = false;
    voters.textContent = round.total_voters + " " + votedText;
    var top = Math.max.apply(null, round.measures.map(function (m) { return m.score; }).concat([1]));
    while (bars.firstChild) { bars.removeChild(bars.firstChild); }
    round.measures.slice().sort(function (a, b) { return b.score - a.score; }).forEach(function (m) {
      var li = element("li", "room-bar");
      li.appendChild(element("span", "room-bar__label", m.title));
      var bar = element("span", "room-bar__fill");
      bar.style.width = Math.round(100 * m.score / top) + "%";
      li.appendChild(bar);
      li.appendChild(element("span", "room-bar__value", m.score.toLocaleString(lang, { maximumFractionDigits: 2 })));
      bars.appendChild(li);
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (phones) { phones.textContent = data.phones; }
        showCards(data.cards || []);
        showRound(data.round);
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
