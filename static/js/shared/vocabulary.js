// The vocabulary (stances with their colours, kinds of actor, ally and tie, phases, health-check
// areas), read once from the JSON every page carries (base.html: <script id="weft-vocabulary">,
// built by weft/vocabulary.py's browser_vocabulary). Page scripts keep no copy of these words.
//
//   vocabulary.stances  -> [{ value: "active_opposition", label: "Active opposition", colour: "#c0392b" }, …]
//   labels(vocabulary.member_phases) -> { prospect: "Prospect", connect: "Connect", … }

function read() {
  const element = document.getElementById("weft-vocabulary");
  if (!element) throw new Error("Weft: the page has no #weft-vocabulary (templates/base.html writes it).");
  return JSON.parse(element.textContent);
}

export const vocabulary = Object.freeze(read());

// { value: label } of a list of terms.
export function labels(terms) {
  return Object.fromEntries(terms.map(({ value, label }) => [value, label]));
}
