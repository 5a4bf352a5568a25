/**
 * Binding strength, loosest first. The grammar implements this ladder and
 * the printers consult it to decide where parentheses are needed, so the two
 * cannot drift apart.
 *
 *   SUM       a + b, a − b                      left-associative
 *   NEG       −a                                 prefix; −a b = −(a b), −a ⊙ b = −(a ⊙ b)
 *   ELEMWISE  a ⊙ b, a ⊗ b                       left-associative, one level for both
 *   PRODUCT   a b (juxtaposition), a * b, a · b, a / b   left-associative, one level
 *   PREFIX    \det A B, \operatorname{tr} A B   operator form takes the rest of the implicit product
 *   POSTFIX   a^T a' a^{-1} a^{-T} a^n a.^n      on the atom to its left: A B^T = A (B^T)
 *   ATOM      names, numbers, ( ) [ ] { } \left( \right), f(…), ‖…‖, ⟨…,…⟩, \frac{}{}, \sqrt{}
 */
export const enum Prec {
  SUM = 1,
  NEG = 2,
  ELEMWISE = 3,
  PRODUCT = 4,
  PREFIX = 5,
  POSTFIX = 6,
  ATOM = 7,
}
