import { stringify } from "yaml";
import { writeFileSync } from "node:fs";
import { GRADIENT_CASES } from "../test/cases/gradients.js";
writeFileSync("/tmp/kb/problems.yaml", stringify(GRADIENT_CASES.slice(0, 100).map((c) => ({
  title: c.id, expr: c.expr, wrt: c.wrt, ...(c.let ? { let: c.let } : {}), ...(c.where ? { where: c.where } : {}), ...(c.symmetric ? { symmetric: c.symmetric } : {}),
}))));
