// The Node.js build (`require("riskrating")` or `import … from "riskrating"` in Node):
// ready to use on load.
export * from "./types.js";
