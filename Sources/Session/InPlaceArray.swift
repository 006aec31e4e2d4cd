/// An array whose subscript reads an element where it is. For elements as large as a
/// participant or a media leg, the optimizer leaves Array's subscript getter out of line,
/// and that getter copies the whole element (a retain and a release per reference it holds)
/// to read one field: a dozen of those reads made a tenth of an offer's instructions.
public struct InPlaceArray<Element>: RandomAccessCollection, MutableCollection, ExpressibleByArrayLiteral {
    public var elements: [Element]

    public init(_ elements: [Element] = []) { self.elements = elements }
    public init(arrayLiteral elements: Element...) { self.elements = elements }

    public var startIndex: Int { 0 }
    public var endIndex: Int { elements.count }
    public var count: Int { elements.count }

    public subscript(position: Int) -> Element {
        unsafeAddress {
            precondition(position >= 0 && position < elements.count, "index out of range")
            // (Valid while `self` is borrowed for this access: the buffer cannot change.)
            return elements.withUnsafeBufferPointer { UnsafePointer($0.baseAddress! + position) }
        }
        _modify { yield &elements[position] }
    }

    public mutating func append(_ element: Element) { elements.append(element) }
}

extension InPlaceArray: Sendable where Element: Sendable {}
