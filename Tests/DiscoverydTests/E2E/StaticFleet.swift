import Foundation

/// A static instances file for the end-to-end tests: one service, each instance with its own address and port.
struct StaticFleet {
    struct Member {
        var id: String
        var address: String
        var port: Int
    }

    var members: [Member]
    var service = "web"
    var servicePort = 8080
    var region = "lab"

    init(_ members: [(String, String, Int)], service: String = "web", servicePort: Int = 8080) {
        self.members = members.map { Member(id: $0.0, address: $0.1, port: $0.2) }
        self.service = service
        self.servicePort = servicePort
    }

    var yaml: String {
        var lines = ["instances:"]
        for member in members {
            lines += [
                "  - id: \(member.id)",
                "    address: \"\(member.address)\"",
                "    region: \(region)",
                "    tags:",
                "      HAProxy:Service:Name: \(service)",
                "      HAProxy:Service:Port: \(servicePort)",
                "      HAProxy:Instance:Port: \"\(member.port)\"",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func write(to file: URL) throws {
        try yaml.write(to: file, atomically: true, encoding: .utf8)
    }

    /// The discoveryd configuration of the end-to-end tests: the fleet file `instances.yaml` next to it, the
    /// Runtime API sink on `socket` writing `e2e-…` backends, plus `haproxy` keys and further `sections`.
    static func configuration(runtimeSocket socket: String, haproxy: [String] = [], sections: [String] = []) -> String {
        let lines =
            ["static:", "  path: instances.yaml", "haproxy:", "  runtime_socket: \(socket)"]
            + haproxy.map { "  " + $0 }
            + ["  backend:", "    name_prefix: e2e"]
            + sections
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The active slots (`srvN` → `address:port`) after applying a plan's JSON changes to `before`: what
/// `--once` must then make of the backend if `plan` told the truth.
func slotsAfter(plan json: String, backend: String, before: [String: String]) throws -> [String: String] {
    guard let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
        let backends = document["backends"] as? [[String: Any]]
    else { throw PlanJSONError("not a plan document: \(json.prefix(200))") }
    var slots = before
    for change in backends.first(where: { $0["name"] as? String == backend })?["changes"] as? [[String: Any]] ?? [] {
        guard let slot = change["slot"] as? String else { throw PlanJSONError("a change without a slot") }
        if let to = change["to"] as? [String: Any], to["maintenance"] as? Bool == false,
            let address = to["address"] as? String, let port = to["port"] as? Int
        {
            slots[slot] = "\(address):\(port)"  // as HAProxyProcess.activeSlots writes it
        } else {
            slots[slot] = nil
        }
    }
    return slots
}

struct PlanJSONError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
