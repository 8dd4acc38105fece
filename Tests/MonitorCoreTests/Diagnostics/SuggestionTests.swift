import Testing

@testable import MonitorCore

@Suite struct SuggestionTests {
    @Test(arguments: [
        ("", "", 0), ("abc", "", 3), ("", "abc", 3), ("schedule", "schedule", 0),
        ("shedule", "schedule", 1), ("schedlue", "schedule", 1), ("windw", "window", 1),
        ("kitten", "sitting", 3), ("ca", "ac", 1), ("abcd", "badc", 2),
    ])
    func editDistanceCountsATranspositionAsOneEdit(_ a: String, _ b: String, _ distance: Int) {
        #expect(Suggestion.editDistance(a, b) == distance)
        #expect(Suggestion.editDistance(b, a) == distance)
    }

    static let jobKeys = ["destination", "schedule", "window", "timezone", "verify", "routes", "labels", "description"]

    @Test(arguments: [
        ("shedule", "schedule"), ("Schedule", "schedule"), ("SCHEDULE", "schedule"), ("windw", "window"),
        ("timzone", "timezone"), ("route", "routes"), ("label", "labels"), ("destinaton", "destination"),
        ("descripton", "description"), ("veriffy", "verify"),
    ])
    func suggestsACloseKey(_ word: String, _ suggestion: String) {
        #expect(Suggestion.closest(to: word, in: Self.jobKeys) == suggestion)
    }

    @Test(arguments: ["owner", "priority", "x", "cron", "path", "zone"])
    func staysSilentWhenNothingIsClose(_ word: String) {
        #expect(Suggestion.closest(to: word, in: Self.jobKeys) == nil)
    }

    @Test func allowsMoreEditsForLongerWords() {
        // Up to a third of the length, at least 1 and at most 3.
        #expect(Suggestion.closest(to: "ab", in: ["ax"]) == "ax")
        #expect(Suggestion.closest(to: "ab", in: ["xy"]) == nil)
        #expect(Suggestion.closest(to: "abcdef", in: ["abcdxy"]) == "abcdxy")
        #expect(Suggestion.closest(to: "abcdef", in: ["abxyzf"]) == nil)
        #expect(Suggestion.closest(to: "abcdefghijklmnop", in: ["abcdefghijklmxyz"]) == "abcdefghijklmxyz")
        #expect(Suggestion.closest(to: "abcdefghijklmnop", in: ["abcdefghijklwxyz"]) == nil)
    }

    @Test func prefersTheClosestAndTheFirstOfEqualOnes() {
        #expect(Suggestion.closest(to: "nass", in: ["nas", "nasa2"]) == "nas")
        #expect(Suggestion.closest(to: "ab", in: ["ax", "xb"]) == "ax")
        #expect(Suggestion.closest(to: "anything", in: [String]()) == nil)
    }

    @Test func didYouMeanIsAClauseOrNothing() {
        #expect(Suggestion.didYouMean("Slack", in: ["generic", "slack"]) == " (did you mean \"slack\"?)")
        #expect(Suggestion.didYouMean("teams", in: ["generic", "slack"]) == "")
    }
}
