// Type-checks the browser entry: `init` must be awaited before use; the functions are the same.
import init, { ratePortfolio, type PortfolioRating } from "riskrating/web";

export async function rateInBrowser(text: string): Promise<number> {
  await init();
  await init({ module_or_path: new URL("https://example.invalid/risk_wasm_bg.wasm") });
  const r: PortfolioRating = ratePortfolio(text);
  return r.ratings.length;
}
