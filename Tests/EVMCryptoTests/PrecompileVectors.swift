import EVMPrimitives
import Foundation
import TestSupport

/// `Vectors/precompiles.json`, produced by `Vectors/generate.py` from the
/// Python execution specification.
enum PrecompileVectors {
  struct Case {
    let input: [UInt8]
    /// `nil`: the spec rejects the input (exceptional halt).
    let output: [UInt8]?
    let fields: [String: Any]

    func gas(_ key: String) -> UInt64? { (fields[key] as? String).flatMap { UInt64($0) } }
    var hasOutput: Bool { fields.keys.contains("output") }
  }

  static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Vectors/precompiles.json")

  static func load(_ key: String) throws -> [Case] {
    let root = try SharedFixtures.loadJSON(url) as? [String: Any]
    guard let list = root?[key] as? [[String: Any]] else { return [] }
    return list.map { entry in
      Case(
        input: Hex.decode(entry["input"] as? String ?? "") ?? [],
        output: (entry["output"] as? String).flatMap { Hex.decode($0) },
        fields: entry)
    }
  }
}
