// JSON text of an input object for the Rust parser. JSON.stringify alone would turn NaN and
// ±Infinity into null (which the documents read as "absent"), so a non-finite number is an
// error naming its path instead, like in JSON text where it cannot be written at all.
//
// Fast path (issue 14): a plain walk looks for a non-finite number first, and when there is
// none (every valid document) the text is JSON.stringify's own, with no replacer. The replacer
// that names paths used to run on every value, building a path string per value and a WeakMap
// entry per object: a 1,000,000-organisation object took over 120 s. It now runs only when the
// walk found a non-finite number (or a toJSON method, or more nodes than the cap, e.g. a cycle).
const WALK_CAP = 200_000_000;

function mayHoldNonFinite(value) {
  const stack = [value];
  let visited = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return true;
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (++visited > WALK_CAP || typeof v.toJSON === "function") return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else {
      for (const k of Object.keys(v)) stack.push(v[k]);
    }
  }
  return false;
}

export function inputJsonText(value) {
  if (!mayHoldNonFinite(value)) return JSON.stringify(value);
  const paths = new WeakMap();
  return JSON.stringify(value, function (key, v) {
    const parent = paths.get(this);
    let path = "";
    if (parent !== undefined) {
      if (Array.isArray(this)) path = `${parent}[${key}]`;
      else path = parent === "" ? key : `${parent}.${key}`;
    }
    if (typeof v === "number" && !Number.isFinite(v)) {
      const error = new RangeError(`${v} is not a finite number`);
      error.path = path;
      throw error;
    }
    if (v !== null && typeof v === "object") paths.set(v, path);
    return v;
  });
}
