// JSON text of an input object for the Rust parser. JSON.stringify alone would turn NaN and
// ±Infinity into null (which the documents read as "absent"), so a non-finite number is an
// error naming its path instead, like in JSON text where it cannot be written at all.
export function inputJsonText(value) {
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
