extension Job {
    /// How long a run of a `source: ping` job may take between its start ping and its finish
    /// (SPEC §13): `expect.max_duration`, else the job's window. A start left open longer is FAILED.
    public var startDeadline: TimeSpan { expect?.maxDuration ?? window }
}
