/** Every simplification rule, by topic. The engine indexes them by node kind. */
import type { AnyRewriteRule } from "../rule.js";
import { TRANSPOSE_RULES } from "./transpose.js";
import { PRODUCT_RULES } from "./products.js";
import { SUM_RULES } from "./sums.js";
import { SCALAR_FUNCTION_RULES } from "./scalar-functions.js";
import { ELEMENTWISE_RULES } from "./elementwise.js";
import { DIAGONAL_RULES } from "./diagonal.js";

export const SIMPLIFY_RULES: readonly AnyRewriteRule[] = [
  ...TRANSPOSE_RULES, ...PRODUCT_RULES, ...SUM_RULES, ...SCALAR_FUNCTION_RULES, ...ELEMENTWISE_RULES, ...DIAGONAL_RULES,
];
