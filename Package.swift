// swift-tools-version:6.1
import PackageDescription

/// Optimisation settings shared by every library target: the interpreter and
/// the scheduler are hot paths, so exclusivity checks are off in release.
let hotPathSettings: [SwiftSetting] = [
  .unsafeFlags(
    ["-enforce-exclusivity=unchecked", "-cross-module-optimization"], .when(configuration: .release)
  )
]

let package = Package(
  name: "ParallelEVM",
  products: [
    .executable(name: "pevm", targets: ["pevm"]),
    .library(
      name: "ParallelEVM",
      targets: [
        "EVMPrimitives", "EVMCrypto", "Transactions", "EVM", "WorldState", "Execution", "BlockSTM",
        "Fixtures",
      ]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
  ],
  targets: [
    // System libraries (module maps only).
    .systemLibrary(
      name: "CSecp256k1", pkgConfig: "libsecp256k1",
      providers: [.apt(["libsecp256k1-dev"])]),
    .systemLibrary(
      name: "COpenSSL", pkgConfig: "openssl",
      providers: [.apt(["libssl-dev"])]),
    // glibc's malloc tuning (mallopt), for the CLI.
    .systemLibrary(name: "CMalloc"),

    // primitives → crypto → transactions → EVM → world state → execution → Block-STM → fixtures → CLI
    .target(name: "EVMPrimitives", swiftSettings: hotPathSettings),
    .target(
      name: "EVMCrypto", dependencies: ["EVMPrimitives", "CSecp256k1", "COpenSSL"],
      swiftSettings: hotPathSettings),
    .target(
      name: "Transactions", dependencies: ["EVMPrimitives", "EVMCrypto"],
      swiftSettings: hotPathSettings),
    .target(
      name: "EVM", dependencies: ["EVMPrimitives", "EVMCrypto"],
      swiftSettings: hotPathSettings),
    .target(
      name: "WorldState", dependencies: ["EVMPrimitives", "EVM"],
      swiftSettings: hotPathSettings),
    .target(
      name: "Execution",
      dependencies: ["EVMPrimitives", "EVMCrypto", "Transactions", "EVM", "WorldState"],
      swiftSettings: hotPathSettings),
    .target(
      name: "BlockSTM",
      dependencies: ["EVMPrimitives", "Transactions", "EVM", "WorldState", "Execution"],
      swiftSettings: hotPathSettings),
    .target(
      name: "Fixtures",
      dependencies: [
        "EVMPrimitives", "Transactions", "EVM", "WorldState", "Execution", "BlockSTM",
      ],
      swiftSettings: hotPathSettings),
    .executableTarget(
      name: "pevm",
      dependencies: [
        "EVMPrimitives", "EVMCrypto", "Transactions", "EVM", "WorldState", "Execution", "BlockSTM",
        "Fixtures", "CMalloc", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: hotPathSettings),

    // Tests: one target per module; conformance tests read ../shared by path.
    .target(name: "TestSupport", dependencies: ["EVMPrimitives"], path: "Tests/TestSupport"),
    .testTarget(
      name: "EVMPrimitivesTests",
      dependencies: ["EVMPrimitives", "TestSupport", .product(name: "BigInt", package: "BigInt")]),
    .testTarget(
      name: "EVMCryptoTests", dependencies: ["EVMCrypto", "TestSupport"], exclude: ["Vectors"]),
    .testTarget(name: "TransactionsTests", dependencies: ["Transactions", "TestSupport"]),
    .testTarget(
      name: "BlockSTMTests",
      dependencies: [
        "BlockSTM", "Execution", "Fixtures", "WorldState", "EVMPrimitives", "TestSupport",
      ]),
    .testTarget(
      name: "EVMTests",
      dependencies: ["EVM", "WorldState", "Execution", "Transactions", "TestSupport"]),
    .testTarget(
      name: "FixturesTests",
      dependencies: [
        "Fixtures", "TestSupport", "EVMPrimitives", "Transactions", "EVM", "WorldState",
        "Execution",
      ]),
  ]
)
