/// A JSON value with ordered object keys, rendered deterministically: the
/// workload generator's output format (the same bytes for the same value).
public indirect enum FixtureJSON: Sendable {
  /// A string (hex quantities and data are strings).
  case string(String)
  /// An integer.
  case int(Int)
  /// `true` or `false`.
  case bool(Bool)
  /// `null`.
  case null
  /// An array.
  case array([FixtureJSON])
  /// An object, members in the order given.
  case object([(String, FixtureJSON)])

  /// The JSON text. Objects and arrays up to `expandDepth` levels deep are
  /// written one member per line, and so is an array of objects one level
  /// deeper (one object per line), so block fixtures read as one account,
  /// transaction or withdrawal per line.
  public func rendered(expandDepth: Int = 1) -> String {
    var out = ""
    render(into: &out, depth: 0, expandDepth: expandDepth)
    out += "\n"
    return out
  }

  private func render(into out: inout String, depth: Int, expandDepth: Int) {
    switch self {
    case .string(let s): FixtureJSON.quote(s, into: &out)
    case .int(let i): out += String(i)
    case .bool(let b): out += b ? "true" : "false"
    case .null: out += "null"
    case .array(let items):
      let expand =
        !items.isEmpty
        && (depth <= expandDepth
          || (depth == expandDepth + 1
            && items.allSatisfy { if case .object = $0 { return true } else { return false } }))
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        if expand { newline(&out, depth + 1) }
        item.render(into: &out, depth: depth + 1, expandDepth: expandDepth)
      }
      if expand { newline(&out, depth) }
      out += "]"
    case .object(let members):
      let expand = !members.isEmpty && depth <= expandDepth
      out += "{"
      for (i, (key, value)) in members.enumerated() {
        if i > 0 { out += expand ? "," : ", " }
        if expand { newline(&out, depth + 1) }
        FixtureJSON.quote(key, into: &out)
        out += ": "
        value.render(into: &out, depth: depth + 1, expandDepth: expandDepth)
      }
      if expand { newline(&out, depth) }
      out += "}"
    }
  }

  private func newline(_ out: inout String, _ depth: Int) {
    out += "\n" + String(repeating: "  ", count: depth)
  }

  static func quote(_ s: String, into out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}
