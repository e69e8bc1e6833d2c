// chatwire chat widget: the one script a site embeds (replaced by the real loader).
