import Synchronization

extension GraphSandbox {
    /// The creative id of an ad (the sandbox gives every ad one creative), or nil for an unknown ad.
    public func creativeID(ofAd adID: String) -> String? {
        self.state.withLock { s in
            guard let i = s.world.node(adID), s.world.nodes[i].kind == .ad else { return nil }
            return s.world.creativeID(ofAd: i)
        }
    }

    /// Leaves a creative out of `/act_X/adcreatives`, as if it were deleted from the library or owned by another
    /// account; with `gone` it is not readable by id either (code 100 / #803, like an id that does not exist).
    public func hideCreative(_ creativeID: String, gone: Bool = false) {
        self.state.withLock { s -> Void in
            if gone {
                s.world.goneCreatives.insert(creativeID)
            } else {
                s.world.hiddenCreatives.insert(creativeID)
            }
        }
    }
}
