import CMediaIO
#if canImport(Glibc)
import Glibc
#endif

/// Every media socket's `mio_slot`, in chunks that never move, so a media thread and the
/// control plane can hold a slot's address while more sockets are added. Slot ids are
/// handed out by the engine under its lock; a chunk is created before any id in it is
/// published, and the publishing (through a thread's command queue) orders the two.
final class SlotStore: @unchecked Sendable {
    static let chunkBits = 12
    static let chunkSize = 1 << chunkBits
    static let maxChunks = 256

    private let chunks: UnsafeMutablePointer<UnsafeMutablePointer<mio_slot>?>
    private(set) var capacity = 0

    init() {
        chunks = .allocate(capacity: Self.maxChunks)
        chunks.initialize(repeating: nil, count: Self.maxChunks)
    }

    deinit {
        for c in 0..<Self.maxChunks {
            if let chunk = chunks[c] { free(chunk) }
        }
        chunks.deallocate()
    }

    /// Makes room for slot `id` (control plane, under the engine's lock). False when full.
    func reserve(_ id: Int32) -> Bool {
        let c = Int(id) >> Self.chunkBits
        guard c < Self.maxChunks else { return false }
        if chunks[c] == nil {
            // calloc: zeroed pages the kernel maps on first touch, so idle capacity costs no memory.
            guard let raw = calloc(Self.chunkSize, MemoryLayout<mio_slot>.stride) else { return false }
            chunks[c] = raw.assumingMemoryBound(to: mio_slot.self)
            capacity += Self.chunkSize
        }
        return true
    }

    @inline(__always)
    func slot(_ id: Int32) -> UnsafeMutablePointer<mio_slot> {
        chunks[Int(id) >> Self.chunkBits].unsafelyUnwrapped + (Int(id) & (Self.chunkSize - 1))
    }
}
