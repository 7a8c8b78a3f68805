"""Signals declared in `app`, so features and core parts can react without importing each other."""

from blinker import Namespace

_signals = Namespace()

# sender: the User whose sessions must end (logout everywhere, role change, revocation);
# every socket of that user is disconnected on the server.
sessions_ended = _signals.signal("sessions-ended")

# sender: the User about to be deleted; features delete or anonymise what they hold.
account_deleting = _signals.signal("account-deleting")

# sender: the User whose data is exported; receivers return (section_name, json_data).
account_exporting = _signals.signal("account-exporting")

# sender: the User whose roles changed; kwargs: added, removed, actor.
roles_changed = _signals.signal("roles-changed")

# sender: the Participant who wrote; kwargs: payload (the stored message as clients see it).
# Simulations answer with the scripted youth; live help checks for risk.
message_stored = _signals.signal("message-stored")

# sender: the Conversation that ended; kwargs: by ("counsellor", "youth", "trainer", "system").
conversation_ended = _signals.signal("conversation-ended")

# sender: the User of a /chat socket that opened or closed, or None for a participant without
# an account; kwargs: sid, participant_ids (the token participants this socket speaks for).
chat_socket_opened = _signals.signal("chat-socket-opened")
chat_socket_closed = _signals.signal("chat-socket-closed")
