import assert from 'node:assert/strict'

/**
 * A strict, minimal XML 1.0 reader for tests (no DTDs, CDATA or processing instructions but the declaration):
 * it throws on anything that is not well-formed (unbalanced or crossed tags, unquoted or repeated attributes,
 * a bare `<` or `&`, an unknown entity, a character XML cannot hold) and gives back the tree, text unescaped.
 */
export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: (XmlElement | string)[]
}

const NAME = '[A-Za-z_:][-A-Za-z0-9_:.]*'
const XML_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function unescape(raw: string, where: string): string {
  assert.ok(!raw.includes('<'), `a bare < in ${where}: ${raw}`)
  return raw.replace(/&([^;]*);|&/g, (whole, reference: string | undefined) => {
    assert.ok(reference !== undefined, `a bare & in ${where}: ${raw}`)
    const code = /^#x([0-9a-fA-F]+)$/.exec(reference)?.[1] ?? /^#([0-9]+)$/.exec(reference)?.[1]
    if (code === undefined) {
      assert.ok(reference in ENTITIES, `unknown entity &${reference}; in ${where}`)
      return ENTITIES[reference]!
    }
    const character = String.fromCodePoint(parseInt(code, reference.startsWith('#x') ? 16 : 10))
    assert.match(character, XML_CHARS, `&${reference}; is not a character XML can hold`)
    return character
  })
}

export function parseXml(text: string): XmlElement {
  assert.match(text, XML_CHARS, 'holds a character XML cannot hold')
  const token = new RegExp(`<!--([\\s\\S]*?)-->|<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*(/?)>|([^<]+)`, 'gy')
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  let position = text.startsWith('<?xml') ? text.indexOf('?>') + 2 : 0
  token.lastIndex = position
  for (let match = token.exec(text); match; match = token.exec(text)) {
    position = token.lastIndex
    const [, comment, closing, name, attributeText, selfClosing, characters] = match
    const parent = stack.at(-1)
    if (comment !== undefined) {
      assert.ok(!comment.includes('--'), 'a comment holds --')
    } else if (characters !== undefined) {
      assert.ok(!characters.includes(']]>'), 'text holds ]]>')
      if (parent) parent.children.push(unescape(characters, `<${parent.name}>`))
      else assert.match(characters, /^\s*$/, 'text outside the root element')
    } else if (closing) {
      assert.equal(attributeText, '', `attributes on </${name}>`)
      assert.equal(stack.pop()?.name, name, `</${name}> closes another element`)
    } else {
      assert.ok(parent || !root, `a second root element <${name}>`)
      const element: XmlElement = { name: name!, attributes: {}, children: [] }
      for (const [, key, double, single] of attributeText!.matchAll(new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g'))) {
        assert.ok(!(key! in element.attributes), `<${name}> repeats ${key}`)
        element.attributes[key!] = unescape(double ?? single!, `${name} ${key}`)
      }
      if (parent) parent.children.push(element)
      else root = element
      if (!selfClosing) stack.push(element)
    }
  }
  assert.equal(position, text.length, `not well-formed at ${position}: ${text.slice(position, position + 40)}`)
  assert.deepEqual(stack.map((element) => element.name), [], 'elements left open')
  assert.ok(root, 'no root element')
  return root
}

/** Every element of a tree, the root first. */
export function elementsOf(element: XmlElement): XmlElement[] {
  return [element, ...element.children.flatMap((child) => (typeof child === 'string' ? [] : elementsOf(child)))]
}

/** The text inside an element, its descendants' included. */
export function textOf(element: XmlElement): string {
  return element.children.map((child) => (typeof child === 'string' ? child : textOf(child))).join('')
}
