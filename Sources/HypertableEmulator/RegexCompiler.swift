/// Turns a parsed pattern into Pike VM instructions, refusing programs over the size limit.
struct RegexCompiler {
    var program: [BoundedRegex.Instruction] = []

    mutating func append(_ instruction: BoundedRegex.Instruction) {
        program.append(instruction)
    }

    private mutating func add(_ instruction: BoundedRegex.Instruction) throws(BoundedRegex.SyntaxError) -> Int {
        guard program.count < BoundedRegex.maxProgramSize else {
            throw BoundedRegex.SyntaxError(message: "pattern too large (over \(BoundedRegex.maxProgramSize) instructions)")
        }
        program.append(instruction)
        return program.count - 1
    }

    mutating func emit(_ node: RegexNode) throws(BoundedRegex.SyntaxError) {
        switch node {
        case .empty: break
        case .scalar(let c): _ = try add(.scalar(c))
        case .set(let ranges, let negated): _ = try add(.set(ranges, negated: negated))
        case .any: _ = try add(.any)
        case .assert(let kind): _ = try add(.assert(kind))
        case .concat(let items):
            for item in items { try emit(item) }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (i, branch) in branches.enumerated() {
                if i < branches.count - 1 {
                    let split = try add(.split(0, 0))
                    try emit(branch)
                    jumps.append(try add(.jump(0)))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try emit(branch)
                }
            }
            for j in jumps { program[j] = .jump(program.count) }
        case .repeat(let inner, let min, let max):
            for _ in 0..<min { try emit(inner) }
            if let max {
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(try add(.split(0, 0)))
                    try emit(inner)
                }
                for s in splits { program[s] = .split(s + 1, program.count) }
            } else {
                let split = try add(.split(0, 0))
                try emit(inner)
                _ = try add(.jump(split))
                program[split] = .split(split + 1, program.count)
            }
        }
    }
}
