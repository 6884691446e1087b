/**
 * Target functions g written as math expressions, e.g. "(1-(x/4)^2)^4*(sin(x)+0.8*sin(4*x))".
 *
 * The text is parsed by mathjs (its number-only build, so sqrt(-1) is NaN rather than a complex
 * number) and then checked node by node against a whitelist before it is compiled: numbers, the
 * variables of the dimension (x in 1-D; x and y in 2-D), the constants pi, e and tau, arithmetic,
 * comparisons, "cond ? a : b", and the standard functions listed in TARGET_FUNCTIONS with their
 * argument counts. Everything else (assignments, function definitions, property access such as
 * "constructor" or "x.constructor", matrices, strings, units, "import(...)", unknown names) is
 * refused with the character where it occurs. Neither eval nor Function is used anywhere: mathjs
 * compiles the checked tree into plain closures.
 *
 * Positions: `position` is the zero-based index of the offending character in the text; messages
 * count characters from 1, as people do ("at character 14" is position 13).
 */
import { all, create } from 'mathjs/number'
import type { MathNode } from 'mathjs'

/** Variables a target may use, by dimension d: points are x in R^d (spec section 2). */
export const TARGET_VARIABLES: Record<1 | 2, readonly string[]> = { 1: ['x'], 2: ['x', 'y'] }

/** Named constants a target may use. */
export const TARGET_CONSTANTS: readonly string[] = ['pi', 'e', 'tau']

/** Functions a target may call, with their [fewest, most] argument counts. */
export const TARGET_FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = {
  sin: [1, 1], cos: [1, 1], tan: [1, 1], sec: [1, 1], csc: [1, 1], cot: [1, 1],
  asin: [1, 1], acos: [1, 1], atan: [1, 1], atan2: [2, 2],
  sinh: [1, 1], cosh: [1, 1], tanh: [1, 1], asinh: [1, 1], acosh: [1, 1], atanh: [1, 1],
  exp: [1, 1], expm1: [1, 1], log: [1, 2], log10: [1, 1], log2: [1, 1], log1p: [1, 1],
  sqrt: [1, 1], cbrt: [1, 1], nthRoot: [2, 2], square: [1, 1], cube: [1, 1], pow: [2, 2],
  abs: [1, 1], sign: [1, 1], floor: [1, 1], ceil: [1, 1], round: [1, 1], fix: [1, 1],
  min: [1, Infinity], max: [1, Infinity], hypot: [1, Infinity], mod: [2, 2], erf: [1, 1],
}

/** mathjs operator functions a target may use: arithmetic, comparisons and logic. */
const ALLOWED_OPERATORS = new Set([
  'add', 'subtract', 'multiply', 'divide', 'pow', 'mod', 'unaryMinus', 'unaryPlus',
  'dotMultiply', 'dotDivide', 'dotPow',
  'smaller', 'larger', 'smallerEq', 'largerEq', 'equal', 'unequal', 'and', 'or', 'not',
])

/** What a refused node is called in messages, and the pattern that marks it in the text. */
const REFUSED_NODES: Record<string, { what: string; marker?: RegExp }> = {
  AssignmentNode: { what: 'assignments are not allowed', marker: /(?<![=!<>])=(?!=)/ },
  FunctionAssignmentNode: { what: 'function definitions are not allowed', marker: /(?<![=!<>])=(?!=)/ },
  AccessorNode: { what: 'property and index access is not allowed', marker: /(?<=[A-Za-z0-9_$)\]]\s*)(?:\.(?!\d)|\[)/ },
  IndexNode: { what: 'property and index access is not allowed', marker: /(?<=[A-Za-z0-9_$)\]]\s*)(?:\.(?!\d)|\[)/ },
  ArrayNode: { what: 'matrices and lists are not allowed', marker: /\[/ },
  ObjectNode: { what: 'objects are not allowed', marker: /\{/ },
  RangeNode: { what: 'ranges are not allowed', marker: /:/ },
  BlockNode: { what: 'several statements are not allowed; write one expression', marker: /[;\n]/ },
}

/** The mathjs instance: number-only, used for parse and compile only (never for evaluate). */
const math = create(all)

export type CompiledTarget = {
  ok: true
  /**
   * g at N points. points: Float64Array of length N*d, row-major (x_i, or x_i, y_i for point i);
   * out (optional): Float64Array of length N, filled and returned. A result that is not a number
   * (e.g. true/false) is written as NaN; check with firstNonFiniteSample.
   */
  evaluate(points: Float64Array, out?: Float64Array): Float64Array
  /** the variables the expression uses, in the order of TARGET_VARIABLES */
  variables: string[]
}

export type TargetExpressionError = { ok: false; message: string; position?: number }

/** structural: a refused construct (assignment, access, unknown call...), reported before name problems */
interface Refusal { message: string; position?: number; structural?: boolean }

/**
 * Parses, checks and compiles a target expression in d = `dim` variables.
 * Returns a fast evaluator, or a readable message with the position of the problem.
 */
export function compileTargetExpression(expr: string, dim: 1 | 2): CompiledTarget | TargetExpressionError {
  if (typeof expr !== 'string' || expr.trim() === '') {
    return { ok: false, message: `the expression is empty; write g in ${describeVariables(dim)}, e.g. "sin(x)"` }
  }
  let root: MathNode
  try {
    // Trailing blanks or a final newline would otherwise parse as a second, empty statement.
    root = math.parse(expr.trimEnd())
  } catch (error) {
    return syntaxError(expr, error)
  }
  const refusal = checkTree(root, expr, dim)
  if (refusal) return { ok: false, ...refusal }

  const compiled = root.compile()
  const variables = TARGET_VARIABLES[dim]
  const used = new Set<string>()
  root.traverse((node) => {
    if (node.type === 'SymbolNode' && variables.includes((node as unknown as { name: string }).name)) {
      used.add((node as unknown as { name: string }).name)
    }
  })
  const scope = new Map<string, number>()

  const evaluate = (points: Float64Array, out?: Float64Array): Float64Array => {
    if (points.length % dim !== 0) {
      throw new RangeError(`points must hold N x ${dim} numbers (got length ${points.length})`)
    }
    const count = points.length / dim
    const result = out ?? new Float64Array(count)
    if (result.length !== count) throw new RangeError(`out must have length ${count} (got ${result.length})`)
    for (let i = 0; i < count; i++) {
      scope.set('x', points[i * dim])
      if (dim === 2) scope.set('y', points[i * dim + 1])
      const value: unknown = compiled.evaluate(scope)
      result[i] = typeof value === 'number' ? value : NaN
    }
    return result
  }

  // A trial evaluation catches what the tree check cannot see (a mathjs type error, or a
  // comparison at the top level, which gives true/false instead of a number).
  try {
    scope.set('x', 0.5)
    scope.set('y', 0.25)
    const value: unknown = compiled.evaluate(scope)
    if (typeof value !== 'number') {
      return { ok: false, message: `the expression gives ${typeof value === 'boolean' ? 'true/false' : 'a ' + typeof value}, not a number` }
    }
  } catch (error) {
    return { ok: false, message: `the expression cannot be evaluated: ${(error as Error).message}` }
  }
  return { ok: true, evaluate, variables: variables.filter((name) => used.has(name)) }
}

/** A sample where the target is NaN or infinite: its index, its point and the value found. */
export interface NonFiniteSample {
  index: number
  point: number[]
  value: number
}

/**
 * The first sample i with a non-finite values[i], or undefined when all are finite.
 * points: N x d row-major as passed to evaluate; values: length N.
 */
export function firstNonFiniteSample(values: Float64Array, points: Float64Array, dim: 1 | 2): NonFiniteSample | undefined {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      return { index: i, point: Array.from(points.subarray(i * dim, i * dim + dim)), value: values[i] }
    }
  }
  return undefined
}

/** "the target is not finite at x = 0, y = 1 (sample 12 gives Infinity)" */
export function describeNonFiniteSample(sample: NonFiniteSample): string {
  const coordinates = sample.point.map((value, axis) => `${TARGET_VARIABLES[2][axis]} = ${value}`).join(', ')
  return `the target is not finite at ${coordinates} (sample ${sample.index} gives ${sample.value}); ` +
    'a target must be a finite number at every sample'
}

function describeVariables(dim: 1 | 2): string {
  return dim === 1 ? 'x' : 'x and y'
}

/** Turns a mathjs SyntaxError ("Unexpected operator ) (char 14)") into our message and position. */
function syntaxError(expr: string, error: unknown): TargetExpressionError {
  const raw = error instanceof Error ? error.message : String(error)
  const char = (error as { char?: unknown }).char
  // mathjs counts characters from 1; at the end of the text it points one past the last one.
  const position = typeof char === 'number' && char >= 1 ? Math.min(char - 1, expr.length) : undefined
  const text = raw.replace(/\s*\(char \d+\)\s*$/, '')
  let what: string
  let match: RegExpMatchArray | null
  if ((match = text.match(/^Unexpected operator (.+)$/))) what = `unexpected '${match[1]}'`
  else if ((match = text.match(/^Parenthesis (.) expected/))) what = `'${match[1]}' expected`
  else if ((match = text.match(/^Syntax error in part "(.*)"$/))) what = `unexpected '${match[1].trim()[0] ?? ''}'`
  else if ((match = text.match(/^Unexpected part "(.*)"$/))) what = `unexpected '${match[1]}'`
  else if (/^Value expected/.test(text)) what = 'a number, variable or "(" was expected'
  else if (/^Unexpected end of expression/.test(text)) what = 'the expression ends too early'
  else what = text.charAt(0).toLowerCase() + text.slice(1)
  if (position === undefined) return { ok: false, message: what }
  const where = position >= expr.length ? `at character ${position + 1} (the end)` : `at character ${position + 1}`
  return { ok: false, message: `${what} ${where}`, position }
}

/** Zero-based index of the first whole-word occurrence of `name` in the text, if any. */
function findName(expr: string, name: string): number | undefined {
  const pattern = /[A-Za-z_$\u00C0-\uFFFF][A-Za-z0-9_$\u00C0-\uFFFF]*/g
  for (let match = pattern.exec(expr); match; match = pattern.exec(expr)) {
    if (match[0] === name) return match.index
  }
  return undefined
}

function at(expr: string, position: number | undefined): string {
  return position === undefined ? '' : ` at character ${position + 1}`
}

/** Walks the parsed tree; the first refused node (in text order) wins. */
function checkTree(root: MathNode, expr: string, dim: 1 | 2): Refusal | undefined {
  const refusals: Refusal[] = []
  const variables = TARGET_VARIABLES[dim]
  const allowedNames = `${describeVariables(dim)} and the constants ${TARGET_CONSTANTS.join(', ')}`
  root.traverse((node, _path, parent) => {
    const anyNode = node as unknown as Record<string, unknown>
    switch (node.type) {
      case 'ConstantNode': {
        const value = anyNode.value
        if (typeof value !== 'number') {
          const found = typeof value === 'string' ? expr.search(/["']/) : findName(expr, String(value)) ?? -1
          const marker = found >= 0 ? found : undefined
          refusals.push({ message: `${JSON.stringify(value) ?? String(value)} is not a number${at(expr, marker)}`, position: marker })
        } else if (!Number.isFinite(value)) {
          const position = findName(expr, String(value))
          refusals.push({ message: `${value} is not allowed${at(expr, position)}: a target must be finite`, position })
        }
        return
      }
      case 'SymbolNode': {
        const name = anyNode.name as string
        const isCallee = parent?.type === 'FunctionNode' && (parent as unknown as { fn: unknown }).fn === node
        if (isCallee || variables.includes(name) || TARGET_CONSTANTS.includes(name)) return
        const position = findName(expr, name)
        if (Object.hasOwn(TARGET_FUNCTIONS, name)) {
          refusals.push({ message: `'${name}' is a function${at(expr, position)}: write ${name}(...)`, position })
        } else if (name === 'y' && dim === 1) {
          refusals.push({ message: `'y'${at(expr, position)} is not a variable of a 1-D target: use x only (and ${TARGET_CONSTANTS.join(', ')})`, position })
        } else {
          refusals.push({ message: `unknown name '${name}'${at(expr, position)}: a ${dim}-D target may use ${allowedNames}`, position })
        }
        return
      }
      case 'FunctionNode': {
        const fn = anyNode.fn as MathNode
        const args = anyNode.args as MathNode[]
        if (fn.type !== 'SymbolNode') {
          refusals.push({ message: 'only named functions such as sin(x) may be called' })
          return
        }
        const name = (fn as unknown as { name: string }).name
        const position = findName(expr, name)
        const arity = Object.hasOwn(TARGET_FUNCTIONS, name) ? TARGET_FUNCTIONS[name] : undefined
        if (!arity) {
          refusals.push({
            message: `unknown function '${name}'${at(expr, position)}; allowed: ${Object.keys(TARGET_FUNCTIONS).join(', ')}`,
            position,
            structural: true,
          })
        } else if (args.length < arity[0] || args.length > arity[1]) {
          const expected = arity[0] === arity[1] ? `${arity[0]}` : arity[1] === Infinity ? `at least ${arity[0]}` : `${arity[0]} or ${arity[1]}`
          refusals.push({ message: `${name}${at(expr, position)} takes ${expected} argument${expected === '1' ? '' : 's'} (got ${args.length})`, position })
        }
        return
      }
      case 'OperatorNode': {
        const fn = anyNode.fn as string
        if (!ALLOWED_OPERATORS.has(fn)) {
          const op = anyNode.op as string
          const found = expr.indexOf(op)
          const position = found >= 0 ? found : undefined
          refusals.push({ message: `the operator '${op}'${at(expr, position)} is not allowed; use + - * / ^, comparisons, and/or/not, or "c ? a : b"`, position })
        }
        return
      }
      case 'ParenthesisNode':
      case 'ConditionalNode':
        return
      default: {
        const refused = REFUSED_NODES[node.type]
        const found = refused?.marker ? expr.search(refused.marker) : -1
        const position = found >= 0 ? found : undefined
        refusals.push({ message: `${refused?.what ?? `${node.type} is not allowed`}${at(expr, position)}`, position, structural: true })
      }
    }
  })
  if (refusals.length === 0) return undefined
  // Report a refused construct before the names inside it ("a = 1" is an assignment, not an
  // unknown name), then the problem that comes first in the text; ones without a position last.
  refusals.sort((a, b) => Number(!a.structural) - Number(!b.structural) || (a.position ?? Infinity) - (b.position ?? Infinity))
  const { message, position } = refusals[0]
  return { message, position }
}
