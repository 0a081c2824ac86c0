// The browser build: call the default export (`await init()`) once before any other function.
export * from "./types.js";

/** Where to load the `.wasm` from: a URL, a `Response`, bytes or a compiled module. */
export type InitInput =
  | RequestInfo
  | URL
  | Response
  | BufferSource
  | WebAssembly.Module;

/** Load and instantiate the module (fetching `risk_wasm_bg.wasm` next to the script by default). */
export default function init(
  moduleOrPath?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<unknown>;

/** Instantiate synchronously from bytes or a compiled module. */
export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;
