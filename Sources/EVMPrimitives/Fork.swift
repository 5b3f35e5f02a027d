/// A mainnet hard fork. Ordered, so rules read `fork >= .berlin`.
///
/// Forks that only moved the difficulty bomb (Muir Glacier, Arrow Glacier,
/// Gray Glacier) change nothing the executor sees and map to the fork before them.
public enum Fork: UInt8, Comparable, CaseIterable, Sendable, CustomStringConvertible {
  case frontier
  case homestead
  case dao
  case tangerineWhistle  // EIP-150
  case spuriousDragon  // EIP-155/158
  case byzantium
  case constantinople
  case petersburg  // "ConstantinopleFix"
  case istanbul
  case berlin
  case london
  case paris  // the Merge
  case shanghai
  case cancun
  case prague
  case osaka

  @inlinable
  public static func < (a: Fork, b: Fork) -> Bool { a.rawValue < b.rawValue }

  /// The name the execution specs and the test suites use.
  public var description: String {
    switch self {
    case .frontier: return "Frontier"
    case .homestead: return "Homestead"
    case .dao: return "DAOFork"
    case .tangerineWhistle: return "EIP150"
    case .spuriousDragon: return "EIP158"
    case .byzantium: return "Byzantium"
    case .constantinople: return "Constantinople"
    case .petersburg: return "ConstantinopleFix"
    case .istanbul: return "Istanbul"
    case .berlin: return "Berlin"
    case .london: return "London"
    case .paris: return "Paris"
    case .shanghai: return "Shanghai"
    case .cancun: return "Cancun"
    case .prague: return "Prague"
    case .osaka: return "Osaka"
    }
  }

  /// Reads a fork name as the test suites, fixtures and execution specs write it
  /// (case-insensitive; the aliases `Merge`, `Petersburg`, `TangerineWhistle`,
  /// `SpuriousDragon`, `MuirGlacier`, `ArrowGlacier`, `GrayGlacier` included).
  public init?(name: String) {
    switch String(name.lowercased().filter { $0 != "_" }) {
    case "frontier": self = .frontier
    case "homestead": self = .homestead
    case "dao", "daofork": self = .dao
    case "eip150", "tangerinewhistle", "tangerine": self = .tangerineWhistle
    case "eip158", "spuriousdragon", "spurious": self = .spuriousDragon
    case "byzantium": self = .byzantium
    case "constantinople": self = .constantinople
    case "constantinoplefix", "petersburg": self = .petersburg
    case "istanbul", "muirglacier": self = .istanbul
    case "berlin": self = .berlin
    case "london", "arrowglacier", "grayglacier": self = .london
    case "paris", "merge": self = .paris
    case "shanghai": self = .shanghai
    case "cancun": self = .cancun
    case "prague": self = .prague
    case "osaka": self = .osaka
    default: return nil
    }
  }
}
