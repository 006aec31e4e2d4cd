// swift-tools-version:6.0
import PackageDescription

// Layers (bottom-up, see DESIGN.md): wire formats -> C wrappers -> sans-IO logic
// -> engines with IO -> executables. A module only imports modules below it.
let package = Package(
    name: "rtpengine-swift",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rtpengine", targets: ["rtpengine"]),
        .executable(name: "rtpengine-supervisor", targets: ["rtpengine-supervisor"]),
        .executable(name: "rtpengine-ctl", targets: ["rtpengine-ctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // 1. Wire formats: no IO, no C.
        .target(name: "ByteText"),
        .target(name: "Bencode", dependencies: ["ByteText"]),
        .target(name: "NetAddress"),
        .target(name: "SDP", dependencies: ["ByteText", "NetAddress"]),

        // 2. C libraries, each reached through one shim and one Swift owner type.
        .systemLibrary(name: "CGLib", pkgConfig: "glib-2.0", providers: [.apt(["libglib2.0-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .target(name: "KeyFile", dependencies: ["CGLib"]),
        .target(name: "Digest", dependencies: ["COpenSSL"]),
        .target(name: "SRTP", dependencies: ["CSRTP"]),
        .target(name: "Systemd", dependencies: ["CSystemd"]),
        .target(name: "CFirewall", linkerSettings: [.linkedLibrary("ip4tc"), .linkedLibrary("ip6tc")]),

        // 3. Sans-IO logic.
        .target(name: "Config", dependencies: ["KeyFile", "NetAddress"]),
        .target(name: "NG", dependencies: ["Bencode", "ByteText", "NetAddress"]),
        .target(name: "Session", dependencies: ["NG", "SDP", "Bencode", "ByteText", "NetAddress"]),
        .target(name: "Appliance", dependencies: ["Config", "NetAddress"]),
        .target(name: "CLI", dependencies: ["Session", "NG", "Bencode", "ByteText", "Config"]),

        // 4. Engines with IO.
        .target(name: "CMediaIO"),
        .target(name: "Media", dependencies: ["CMediaIO", "Session", "ByteText", "NetAddress"]),
        .target(name: "Control", dependencies: [
            "NG", "Config", "CMediaIO", "NetAddress", "ByteText",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // 5. Executables (thin) and their lifecycle library.
        .target(name: "Daemon", dependencies: [
            "Config", "Control", "NG", "Session", "Media", "Systemd", "NetAddress", "Digest", "SRTP", "Appliance", "CLI", "ByteText",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "rtpengine", dependencies: ["Daemon"]),
        .target(name: "Supervisor", dependencies: ["Appliance", "Config", "Daemon", "KeyFile", "NetAddress", "Systemd", "CFirewall"]),
        .executableTarget(name: "rtpengine-supervisor", dependencies: ["Supervisor"]),
        .executableTarget(name: "rtpengine-ctl", dependencies: ["CLI", "KeyFile", "Daemon", "Appliance", "Config"]),

        .testTarget(name: "ByteTextTests", dependencies: ["ByteText"]),
        .testTarget(name: "BencodeTests", dependencies: ["Bencode"]),
        .testTarget(name: "NetAddressTests", dependencies: ["NetAddress"]),
        .testTarget(name: "SDPTests", dependencies: ["SDP", "NetAddress"]),
        .testTarget(name: "CLibraryTests", dependencies: ["KeyFile", "Digest", "SRTP", "Systemd"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config"]),
        // Ports for tests that start daemons, shared so parallel tests never get the same one.
        .target(name: "TestPorts", path: "Tests/TestPorts"),
        .testTarget(name: "ApplianceTests", dependencies: ["Appliance", "Supervisor", "Daemon", "NetAddress", "TestPorts"]),
        .testTarget(name: "NGTests", dependencies: ["NG", "Bencode"]),
        .testTarget(name: "SessionTests", dependencies: ["Session", "NG", "SDP", "Bencode", "ByteText", "NetAddress"]),
        .testTarget(name: "MediaTests", dependencies: ["Media", "Session", "ByteText", "NetAddress"]),
        .testTarget(name: "DaemonTests", dependencies: ["Daemon", "Config"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "Session", "Bencode", "NetAddress"]),
        .testTarget(name: "IntegrationTests", dependencies: ["Bencode", "ByteText", "TestPorts", "rtpengine", "rtpengine-ctl"]),
    ]
)
