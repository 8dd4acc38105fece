import Foundation
import MonitorCore
import MonitorStore

extension Scanner {
    /// An agent's part of a scan of a shared state (SPEC §12): its heartbeat — which sends
    /// AGENT_UP when it had been found down — then a look at the other agents, queuing
    /// AGENT_DOWN for any that stopped reporting. `jobs` are all active jobs, of every host.
    func report(agent: String, jobs all: [ActiveJob], applied: AppliedRouting) throws(StoreError) {
        let settings = applied.settings
        func jobs(of host: String) -> [Job] {
            all.filter { $0.destination.effectiveHost(settings: settings) == host }.map(\.job)
        }
        let mine = jobs(of: agent)
        let beat = AgentBeat(
            name: agent, version: MonitorVersion.current, destinations: Array(Set(mine.map(\.destination))).sorted(),
            scanIntervalSeconds: Int(settings.scanInterval.seconds))
        let heartbeat = try store.heartbeat(
            beat,
            returned: { downSince in
                AgentAlerts.items(
                    .agentUp, host: agent, since: downSince, jobs: mine, routes: applied.routes,
                    message: "agent \(agent) reports again after being down since \(Timestamp.string(downSince)); it catches up now",
                    now: Date())
            })
        if let downSince = heartbeat.downSince {
            logger.notice("agent back after being down", metadata: ["agent": "\(agent)", "down_since": "\(Timestamp.string(downSince))"])
        }
        // Back from its own silence (the database was out of its reach): the others were silent
        // too, most likely; give them one scan interval to report before judging them.
        guard !heartbeat.wasSilent || heartbeat.downSince != nil else {
            logger.notice("reporting again after a silence of its own; other agents are judged at the next scan", metadata: ["agent": "\(agent)"])
            return
        }
        let down = try store.markDownAgents { other, now in
            AgentAlerts.items(
                .agentDown, host: other.name, since: now, jobs: jobs(of: other.name), routes: applied.routes,
                message: "no heartbeat from agent \(other.name) since \(Timestamp.string(other.lastSeen)) "
                    + "(\(StateStore.missedScansForDown) scan intervals of \(other.scanIntervalSeconds) s)",
                now: now)
        }
        for other in down {
            logger.warning("agent down", metadata: ["agent": "\(other.name)", "last_seen": "\(Timestamp.string(other.lastSeen))"])
        }
    }
}
