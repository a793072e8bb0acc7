"""Short message texts for the demo, chosen from templates that match the message's
kind (first question, follow-up, thanks, brand reply, ...) and its sentiment.

All texts of all brands are rendered once into one flat list; a message picks its
text by index: ((brand * KINDS + kind) * BUCKETS + bucket) * VARIANTS + variant.
"""

from __future__ import annotations

import numpy as np

from dashboard.demo.brands import BRANDS

# Message kinds (row-level codes used by the simulation).
# FAN: a community superfan's answer (dashboard/demo/staff.py).
FIRST, FOLLOWUP, CHASER, THANKS, OUTAGE, REPLY, SWITCH, PEER, FAN = range(9)
KINDS = 9
# Sentiment buckets: very negative, negative, neutral, positive.
BUCKETS = 4
VARIANTS = 4

_THINGS: dict[str, tuple[str, ...]] = {
    "airline": ("flight", "booking", "baggage claim", "refund"),
    "telecom": ("broadband", "phone bill", "contract", "mobile signal"),
    "beauty": ("order", "foundation", "delivery", "loyalty points"),
    "bank": ("card", "transfer", "account", "mortgage application"),
    "games": ("game", "account", "in-game purchase", "save file"),
    "energy": ("bill", "meter reading", "tariff", "direct debit"),
    "insurance": ("claim", "policy", "renewal", "quote"),
    "grocery": ("delivery", "order", "refund", "loyalty card"),
    "rail": ("ticket", "refund", "season pass", "seat reservation"),
    "retail": ("order", "return", "delivery", "gift card"),
    "software": ("subscription", "workspace", "invoice", "API key"),
    "coffee": ("order", "loyalty card", "app", "store visit"),
    "logistics": ("parcel", "delivery", "tracking number", "pickup"),
    "streaming": ("subscription", "stream", "account", "payment"),
    "health": ("claim", "appointment", "policy", "prescription"),
    "electronics": ("laptop", "warranty repair", "order", "charger"),
    "hotel": ("booking", "room", "refund", "reservation"),
    "fashion": ("order", "return", "size exchange", "delivery"),
    "auto": ("car service", "lease", "recall appointment", "test drive"),
}

# kind -> bucket -> variants. Placeholders: {thing} {brand} {handle} {domain}.
_TEMPLATES: dict[int, tuple[tuple[str, ...], ...]] = {
    FIRST: (
        (
            "Absolutely fed up. My {thing} is still broken and nobody at {brand} cares.",
            "Worst service ever. Third time asking about my {thing}. Unacceptable!",
            "@{handle} you charged me twice for my {thing} and now you ignore me. Disgraceful.",
            "I've wasted hours on this {thing} problem. Never again, {brand}.",
        ),
        (
            "Hi @{handle}, my {thing} isn't working properly since yesterday. Can you help?",
            "Still waiting on an update about my {thing}, a bit disappointed.",
            "Not great: the {thing} I was promised hasn't happened.",
            "Why is my {thing} so complicated to sort out?",
        ),
        (
            "Hi, quick question about my {thing}.",
            "How do I change the details on my {thing}?",
            "Can someone check the status of my {thing}? Reference attached.",
            "Is there a way to update my {thing} online?",
        ),
        (
            "Love {brand}! Quick question about my {thing} though.",
            "Thanks for the great service last time, could you help with my {thing}?",
            "Really happy with my {thing}. Is there an upgrade option?",
            "Great experience so far. Just wondering about my {thing}.",
        ),
    ),
    FOLLOWUP: (
        (
            "This is not an answer. I want my {thing} fixed today.",
            "You keep sending the same script. Useless.",
            "Still not fixed. I'm cancelling.",
            "That didn't work at all and I'm furious.",
        ),
        (
            "That didn't really help, the {thing} still doesn't work.",
            "Sent the details yesterday and heard nothing back.",
            "Hmm, I tried that and it's still the same.",
            "Can you escalate this please? The {thing} is still wrong.",
        ),
        (
            "Here are the details you asked for.",
            "Ok, I've sent you a message with my reference.",
            "Done. What happens next with my {thing}?",
            "My account number is in the email I just sent.",
        ),
        (
            "That worked, thank you! One more thing about my {thing}.",
            "Perfect, nearly there with the {thing} now.",
            "Great, appreciate the quick help! Just to confirm the next step?",
            "Brilliant, that's sorted. Can you also check my {thing}?",
        ),
    ),
    CHASER: (
        (
            "Hello? Anyone there? Still no answer about my {thing}.",
            "Still no reply from {brand}... unbelievable.",
            "Day two of waiting for an answer about my {thing}.",
            "Does anyone at {brand} actually read these messages?",
        ),
    ),
    THANKS: (
        (
            "Thanks, all sorted!",
            "Cheers @{handle}, that fixed it.",
            "Thank you so much for the help with my {thing}!",
            "Great support, much appreciated.",
        ),
    ),
    OUTAGE: (
        (
            "Power out since 7am in my whole street. @{handle} what is going on?!",
            "No electricity AGAIN. No updates from {brand}. Ridiculous.",
            "Blackout for hours and your status page says nothing. Furious.",
            "My fridge is defrosting, {brand}. When is the power coming back?!",
        ),
    ),
    REPLY: (
        (
            "We're really sorry about this. Your {thing} has been escalated to our senior team.",
            "Apologies for the trouble. Please send us your reference and we'll fix this today.",
            "That's not the experience we want for you. A specialist is looking at your {thing}.",
            "Sorry for the frustration. We've refunded the charge and flagged your {thing}.",
        ),
        (
            "Sorry to hear that! Could you send us your reference so we can check your {thing}?",
            "Thanks for your patience. We're looking into your {thing} now.",
            "Sorry about the delay. Your {thing} should be updated within 24 hours.",
            "Thanks for flagging this. Could you try again now? We've reset your {thing}.",
        ),
        (
            "Hi! You can update your {thing} in the app under Settings > Account.",
            "Thanks for reaching out. Your {thing} is being processed.",
            "Happy to help. Your {thing} status is now showing as confirmed.",
            "Hi there, the details for your {thing} are on {domain}/help.",
        ),
        (
            "Thanks for the kind words! Here's how to do that with your {thing}.",
            "Glad you're enjoying it! Your {thing} is all set.",
            "Thank you! We've added that option to your {thing}.",
            "Lovely to hear! Anything else we can help with?",
        ),
    ),
    SWITCH: (
        (
            "Sorry about this. Please email us at support@{domain} with your {thing} reference.",
            "We need a few private details: please email support@{domain} and we'll take it on.",
            "Let's move this to email so we can check your {thing}: support@{domain}.",
            "Please contact us at support@{domain} and quote your {thing} details.",
        ),
    ),
    PEER: (
        (
            "Had the same issue: restarting fixed it for me.",
            "Check the pinned FAQ, there's a workaround for the {thing}.",
            "Same here, it's a known bug and a patch is coming.",
            "Try clearing the cache and logging in again, that worked for me.",
        ),
    ),
    FAN: (
        (
            "Known issue with the {thing} since the last patch. Workaround: Settings > "
            "Advanced > Repair files, then restart. Fixed it for everyone I've helped.",
            "Hey! First check you're on the latest version. If the {thing} still fails, "
            "log out on every device and back in: that clears the sync.",
            "This comes up a lot: the {thing} needs your account linked first. Step-by-step "
            "guide in the pinned post, step 3.",
            "Had exactly this. Send support your player ID and they can restore the "
            "{thing}; took them a day for me. I've flagged your thread to the mods too.",
        ),
    ),
}


def render_texts() -> list[str]:
    """Every text of every brand, in index order (see module docstring)."""
    texts: list[str] = []
    for brand in BRANDS:
        things = _THINGS[brand.category]
        for kind in range(KINDS):
            buckets = _TEMPLATES[kind]
            for bucket in range(BUCKETS):
                # kinds with one bucket use the same texts whatever the sentiment
                variants = buckets[min(bucket, len(buckets) - 1)]
                for variant in range(VARIANTS):
                    texts.append(
                        variants[variant % len(variants)].format(
                            thing=things[variant % len(things)],
                            brand=brand.name,
                            handle=brand.handle,
                            domain=brand.domain,
                        )
                    )
    return texts


def sentiment_bucket(sentiment: np.ndarray) -> np.ndarray:
    """Bucket of each sentiment: 0 very negative (< -0.5), 1 negative (< -0.05),
    2 neutral (< 0.3, and unknown), 3 positive."""
    bucket = np.full(sentiment.shape, 2, dtype=np.int64)
    bucket[sentiment < -0.5] = 0
    bucket[(sentiment >= -0.5) & (sentiment < -0.05)] = 1
    bucket[sentiment >= 0.3] = 3
    return bucket


def text_index(
    brand: np.ndarray, kind: np.ndarray, bucket: np.ndarray, variant: np.ndarray
) -> np.ndarray:
    return ((brand * KINDS + kind) * BUCKETS + bucket) * VARIANTS + variant
