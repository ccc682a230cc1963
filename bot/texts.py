"""Every fixed text the bot, the API errors and the contact cards show, in one place.

The English source string is the gettext message id; ``bot.i18n.translate(lang, TEXT, **kw)``
renders it in the session's language from locales/<lang>/LC_MESSAGES/messages.po.
``N_`` only marks a string for ``pybabel extract``; it changes nothing at run time.
Placeholders use ``{name}`` (str.format) and must stay identical in every translation.
"""


def N_(message: str) -> str:
    return message


# --- conversation -------------------------------------------------------------------------
GREET = N_(
    "Hello! I answer questions about working and living in Sachsen-Anhalt: recognition of "
    "qualifications, residence permits, German courses and the rights of EU workers. "
    "Write in your own language."
)
GOODBYE = N_("Goodbye and good luck! You can come back any time.")
THANKS = N_("You are welcome. Is there anything else I can help with?")
BOT_CHALLENGE = N_(
    "I am a chatbot, not a person. I give general information. If you want, I can put you "
    "in touch with a counsellor."
)
AFFIRM = N_("Good. What would you like to know?")
DENY = N_("All right. Ask me anything else about work, residence, recognition or German courses.")
OUT_OF_SCOPE = N_(
    "I can only help with recognition of qualifications, residence, German courses, the "
    "rights of EU workers and first steps in Sachsen-Anhalt."
)
NO_ANSWER = N_(
    "I do not have reliable information on this question. A counsellor can help you personally."
)
ASK_TOPIC = N_("What would you like to know? Choose a topic or write your question.")

# --- answers ------------------------------------------------------------------------------
DISCLAIMER = N_(
    "General information, not legal advice. For your personal case, ask a counselling service "
    "or your foreigners' authority (Ausländerbehörde)."
)
LAST_REVIEWED = N_("Last reviewed: {date}")
TRANSLATION_MISSING = N_(
    "This text is not yet available in your language, so it is shown in {language}. "
    "Counselling in your language is available, for example from the Migrationsberatung (MBE)."
)

# --- choosing the language ("can we speak Turkish?") ---------------------------------------
#: Shown in the new language; each translation names its own language.
LANGUAGE_SWITCHED = N_("From now on I will answer in English. What would you like to know?")
LANGUAGE_NOT_OFFERED = N_(
    "This language is not available here: {language}. I can answer in these languages: "
    "{languages}. Please write in one of them or choose it in the language menu."
)

# --- buttons ------------------------------------------------------------------------------
BUTTON_MORE_DETAIL = N_("More detail")
BUTTON_TALK_TO_PERSON = N_("Talk to a person")
BUTTON_RECOGNITION = N_("Recognition of qualifications")
BUTTON_RESIDENCE = N_("Visa and residence")
BUTTON_LANGUAGE_COURSE = N_("German courses")
BUTTON_EU_EMPLOYMENT = N_("Rights of EU workers")
#: The four topics as (title, payload) buttons; each payload is an intent the engine knows.
TOPIC_BUTTONS = (
    (BUTTON_RECOGNITION, "/ask_recognition"),
    (BUTTON_RESIDENCE, "/ask_residence"),
    (BUTTON_LANGUAGE_COURSE, "/ask_language_course"),
    (BUTTON_EU_EMPLOYMENT, "/ask_eu_employment"),
)

# --- handoff (actions/handoff.py, actions/forms.py) ---------------------------------------
HANDOFF_START = N_(
    "I will find the office that is responsible for you and, if you agree, pass on your question. "
    "You can write \"cancel\" at any time."
)
HANDOFF_PERSONAL_CASE = N_(
    "A decision about your own case, such as a refusal, needs a person who can look at your "
    "documents. I will find the office that is responsible for you."
)
URGENT_PERMIT_EXPIRY = N_(
    "Act now: apply to extend your residence permit BEFORE it expires. If you apply in time, your "
    "current permit continues to apply until the decision, and you receive a certificate "
    "(Fiktionsbescheinigung, § 81(4) AufenthG). Contact your foreigners' authority "
    "(Ausländerbehörde) today."
)
URGENT_DEPORTATION = N_(
    "Act now: a letter asking you to leave Germany (Ausreiseaufforderung) or about deportation "
    "(Abschiebung) has deadlines. The date on your letter counts. Get advice today from a "
    "counselling service or a lawyer, and contact your foreigners' authority (Ausländerbehörde)."
)
URGENT_DEADLINE = N_(
    "Act now: the deadline for an objection or a lawsuit (Widerspruch, Klage) is written on your "
    "letter, and that date counts. Get advice immediately, before the deadline ends."
)
URGENT_OFFICE = N_("Responsible for you: {office}.")
ASK_PLACE = N_("Where do you live? Please write your town or your postcode (PLZ).")
ASK_PLACE_AGAIN = N_(
    "I could not find this place in Sachsen-Anhalt. Please write the name of your town or your "
    "5-digit postcode (PLZ)."
)
ASK_PLACE_WHICH = N_("This postcode belongs to several districts. Which town do you live in?")
PLACE_STATEWIDE = N_(
    "I could not find your place. The WelcomeCenter Sachsen-Anhalt helps people all over "
    "Sachsen-Anhalt and knows the regional contacts."
)
PLACE_OUTSIDE = N_(
    "This place is not in Sachsen-Anhalt, and I only know the offices in Sachsen-Anhalt. The "
    "foreigners' authority (Ausländerbehörde) of the place where you live is responsible for you. "
    "General information from the federal government: the BAMF Bürgerservice and the portal "
    "Make it in Germany."
)
ASK_CONSENT = N_(
    "May I pass on your request to {office}? They would receive a short summary of your "
    "question, your language ({language}) and your district ({district}). It is kept for "
    "{days} days. Without your consent nothing is passed on, and I will still show you how to "
    "reach the office."
)
ASK_CONSENT_AGAIN = N_("Please answer yes or no.")
BUTTON_CONSENT_YES = N_("Yes, pass it on")
BUTTON_CONSENT_NO = N_("No, do not pass it on")
HANDOFF_RECORDED = N_(
    "Done: {office} has received a short summary of your question, your language and your district."
)
HANDOFF_ANSWER_HOURS = N_(
    "A counsellor of the office will answer you here in this chat, as a rule during its opening "
    "hours: {hours}."
)
HANDOFF_ANSWER_NO_HOURS = N_(
    "A counsellor of the office will answer you here in this chat during its working hours. We do "
    "not know its current opening hours, so we cannot say exactly when."
)
HANDOFF_COME_BACK = N_(
    "You do not have to keep this page open: below you can keep this chat on this device, or leave "
    "an e-mail address to be told when the answer is there."
)
HANDOFF_CONTACT_ALSO = N_("You can also contact the office directly:")
#: Asking for a person while the handoff asks its questions.
HANDOFF_ON_THE_WAY = N_(
    "Yes, I am putting you in touch with a person. For that I need your answer to this question first."
)
#: A consent button of an earlier question pressed again.
STALE_BUTTON = N_(
    "This button belongs to an earlier question that is already closed, so nothing has changed. "
    "Ask me something new, or ask for a person."
)
HANDOFF_NOT_SHARED = N_("Nothing has been passed on. You can contact the office directly:")
HANDOFF_CONTACT_TODAY = N_("Please contact them today.")
HANDOFF_CANCELLED = N_("Cancelled. Nothing has been passed on. What else would you like to know?")

# --- "who is my office?" (actions/office.py): answered directly, nothing is passed on -------
#: {where} is the place as found, e.g. "Köthen (Anhalt) (Anhalt-Bitterfeld)" or "38820 (Harz)".
OFFICE_FOR_PLACE = N_(
    "Responsible for {where}: {office}. You can contact them directly; nothing has been passed on."
)
OFFICE_ASK_PLACE = N_(
    "Which office is responsible depends on where you live. Please write your town or your postcode (PLZ)."
)
OFFICE_OFFER_PERSON = N_("If you want, I can also pass your question on to them.")

# --- human mode: a counsellor talks with the person (api/human.py) -------------------------------
#: The counsellor's name shown to the person when the account has no public name.
HUMAN_DEFAULT_NAME = N_("A counsellor of {office}")
HUMAN_JOINED = N_("{name} is now answering you here. This is a person, not the chatbot.")
HUMAN_HANDED_BACK = N_(
    "The counsellor has handed the conversation back to the chatbot. The office keeps your request."
)
HUMAN_RELEASED = N_(
    "The counsellor has left the conversation. Another counsellor of the office will answer you; "
    "until then the chatbot answers."
)
HUMAN_CLOSED = N_("The counsellor has closed your request. From now on the chatbot answers you again.")
CASE_TRANSFERRED = N_(
    "Your request has been passed on to the office that is responsible for you: {office}. A counsellor "
    "there will answer you here in this chat."
)
HUMAN_WRITE_IN_WORDS = N_(
    "You are writing with {name}, a person. Please write your message in your own words."
)

# --- e-mails (api/mail.py, api/followup.py): never any content of the conversation -----------------
MAIL_REPLY_SUBJECT = N_("A reply is waiting for you")
MAIL_REPLY_BODY = N_(
    "Hello,\n\na counsellor has answered you in your chat with the advisor for international "
    "skilled workers in Sachsen-Anhalt. To protect your privacy, this e-mail does not contain the "
    "answer. Open your conversation here:\n\n{link}\n\nThis link opens your conversation, so please "
    "do not pass it on. You can switch off these e-mails in the chat.\n"
)
MAIL_URGENT_SUBJECT = N_("New urgent case in the counsellor dashboard")
MAIL_URGENT_BODY = N_(
    "A new urgent case for your office is waiting in the counsellor dashboard:\n\n{link}\n\nTo "
    "protect the person's data, this e-mail contains no details of the case. You receive these "
    "e-mails because your account is set up for them; an administrator can switch them off.\n"
)
# --- contact cards (bot/contacts/card.py) -------------------------------------------------
CONTACT_CHECK_WEBSITE = N_("Please check the current address and opening hours on the office's website.")
CONTACT_CHECK_WITH_OFFICE = N_(
    "We could not confirm this office's current address and opening hours. Please check them "
    "before you go, for example by searching for the office's name."
)
CONTACT_APPOINTMENT_ONLY = N_("Visits by appointment (Termin) only.")
CONTACT_APPOINTMENT_ALSO = N_("At other times by appointment (Termin).")
#: Remarks after one day's opening hours: "Wed 08:00–15:00 (document pick-up only)".
CONTACT_HOURS_PICKUP_ONLY = N_("document pick-up only")
CONTACT_HOURS_BY_APPOINTMENT = N_("by appointment")
#: After a phone number that is the administration's general switchboard (phone_label: switchboard).
CONTACT_PHONE_SWITCHBOARD = N_("switchboard: ask for the office")

# --- API errors ---------------------------------------------------------------------------
ERROR_EMPTY_TEXT = N_("Please write a message first.")
ERROR_TOO_LONG = N_("Your message is too long. Please shorten it to {limit} characters.")
ERROR_INVALID_JSON = N_("The request could not be read. Please try again.")
ERROR_INVALID_TEXT = N_("Your message contains a character that cannot be read. Please type it again.")
ERROR_UNKNOWN_SESSION = N_("This conversation no longer exists. Please start a new one.")
ERROR_BAD_TOKEN = N_("This conversation belongs to someone else or your access has expired.")
ERROR_RATE_LIMITED = N_("You are sending messages very quickly. Please wait a moment and try again.")
ERROR_UNAVAILABLE = N_(
    "The assistant is not available right now. Your message was not lost: please send it "
    "again in a minute."
)
ERROR_BUSY = N_(
    "Many people are writing to the assistant right now. Please send your message again in a moment."
)
#: While the supervisor restarts the engine or the action server (see bot/supervisor.py).
ERROR_RESTARTING = N_("The assistant is restarting. Your message is kept: please send it again in a moment.")
ERROR_INTERNAL = N_("Something went wrong on our side. Please try again.")
ERROR_BAD_LANGUAGE = N_("This language is not supported. Supported languages: {languages}.")
ERROR_NOT_FOUND = N_("This page does not exist.")
ERROR_DELETE_FAILED = N_("Your conversation could not be deleted right now. Please try again in a minute.")
ERROR_NO_EMAIL = N_("E-mail notices are not available here.")
ERROR_EMAIL_CONSENT = N_("Please agree that your e-mail address may be stored for this purpose.")
ERROR_EMAIL_INVALID = N_("This does not look like an e-mail address. Please check it.")
ERROR_NO_OPEN_CASE = N_("There is no open request in this conversation that an answer could come for.")
ERROR_LINK_EXPIRED = N_(
    "This link no longer works. Please use the link in the newest e-mail, or start a new conversation."
)

# --- website widget (api/static/widget/; served by GET /api/v1/widget-texts) ---------------
WIDGET_LAUNCHER = N_("Questions? Ask our chatbot")
WIDGET_TITLE = N_("Advisor for international skilled workers")
WIDGET_SUBTITLE = N_("A chatbot, not a person. General information, not legal advice.")
WIDGET_CLOSE = N_("Close the chat")
WIDGET_LANGUAGE = N_("Language")
WIDGET_CONVERSATION = N_("Conversation")
WIDGET_INPUT_LABEL = N_("Your message")
WIDGET_INPUT_HINT = N_("Write your question in your own language.")
WIDGET_SEND = N_("Send")
WIDGET_YOU = N_("You")
WIDGET_ASSISTANT = N_("Answer from the chatbot")
WIDGET_COUNSELLOR = N_("Message from a counsellor (a person, not the chatbot)")
WIDGET_TYPING = N_("The chatbot is writing …")
WIDGET_SOURCES = N_("Sources")
WIDGET_NEW_WINDOW = N_("(opens in a new window)")
WIDGET_CONTACT = N_("Contact")
WIDGET_CONTACT_ADDRESS = N_("Address")
WIDGET_CONTACT_HOURS = N_("Opening hours")
WIDGET_CONTACT_PHONE = N_("Phone")
WIDGET_CONTACT_EMAIL = N_("Email")
WIDGET_CONTACT_WEB = N_("Website")
WIDGET_CONTACT_NOTE = N_("Note")
WIDGET_PRIVACY_TITLE = N_("Privacy")
WIDGET_PRIVACY = N_(
    "We store your messages and the answers for {days} days after your last message, so that "
    "the conversation works and a counsellor can read it if you ask for one. This browser tab "
    "keeps them until you close it. You do not need to give your name or other personal data. "
    "You can delete the conversation at any time."
)
WIDGET_DELETE = N_("Delete my conversation")
WIDGET_DELETE_QUESTION = N_(
    "Delete this conversation? It will be removed from our server and cannot be restored."
)
WIDGET_DELETE_CONFIRM = N_("Yes, delete")
WIDGET_CANCEL = N_("Cancel")
WIDGET_DELETED = N_("Your conversation has been deleted.")
WIDGET_NETWORK_ERROR = N_(
    "There is no connection to the server. Your message has not been sent, but it is still "
    "in the text field."
)
WIDGET_RETRY = N_("Try again")
# Human mode and coming back later; the widget fills in {name}, {count}, {days} and {email}.
WIDGET_TALKING_TO = N_("You are writing with: {name} (a person, not the chatbot)")
WIDGET_UNREAD = N_("New messages: {count}")
#: Under a counsellor's message written in another language than the person's (no translation exists).
WIDGET_WRITTEN_IN = N_("Language of this message: {language}")
WIDGET_FOLLOWUP_TITLE = N_("Come back to the answer later")
WIDGET_KEEP = N_("Keep this chat on this device")
WIDGET_KEEP_HINT = N_(
    "If you want, this browser keeps your conversation for {days} days, so you can close the page "
    "and come back. Anyone who uses this device can then read it."
)
WIDGET_KEPT = N_(
    "This browser keeps your conversation for {days} days. Deleting the conversation removes it here too."
)
WIDGET_FORGET = N_("Do not keep it on this device")
WIDGET_EMAIL_LABEL = N_("Your e-mail address")
WIDGET_EMAIL_CONSENT = N_(
    "I agree that my e-mail address is stored to tell me when an answer is waiting. The e-mail "
    "contains only a link, nothing of the conversation. The address is deleted with my request, or "
    "at once when I switch the e-mails off."
)
WIDGET_EMAIL_SAVE = N_("Notify me by e-mail")
WIDGET_EMAIL_SAVED = N_("When an answer is waiting, we will write to: {email}")
WIDGET_EMAIL_STOP = N_("Switch off the e-mails")
WIDGET_EMAIL_STOPPED = N_("The e-mails are switched off and your address has been deleted.")
WIDGET_RESTORED = N_("Your conversation has been opened again.")
# Rendered answers and the start of a conversation (issue 14); {count} and {days} filled in.
WIDGET_SOURCES_COUNT = N_("Sources ({count})")
WIDGET_SOURCE_SECONDARY = N_("not an official source")
WIDGET_START_TOPICS = N_("Choose a topic:")
WIDGET_START_EXAMPLES = N_("Or ask, for example:")
#: Example questions the opened widget offers as buttons (sent as if typed).
WIDGET_EXAMPLE_RECOGNITION = N_("How do I get my foreign degree recognised?")
WIDGET_EXAMPLE_RESIDENCE = N_("Which residence permit do I need to work in Germany?")
WIDGET_EXAMPLE_COURSE = N_("Where can I find a German course?")
WIDGET_PRIVACY_SHORT = N_(
    "Your messages are stored for {days} days, and you can delete them at any time. You do not need "
    "to give your name."
)
WIDGET_PRIVACY_LINK = N_("Privacy notice")
#: The full privacy notice (GET /privacy) after WIDGET_PRIVACY; {days}: the case's retention period.
PRIVACY_CASE = N_(
    "If you ask for a person and agree, the responsible office receives a case: a short summary in "
    "German, your last message, your district and your language. It is deleted {days} days after the "
    "case is closed."
)
PRIVACY_EMAIL = N_(
    "An e-mail address is stored only if you leave one after a handoff, and only to tell you that a "
    "reply is waiting. It is deleted with the case, or at once when you switch the e-mails off."
)
#: The full privacy notice: what the content-gap page keeps (api.content_gaps); {days}: its retention period.
PRIVACY_GAPS = N_(
    "To improve the answers, questions the assistant could not answer or passed to a person, and "
    "questions marked as not helpful, are kept for {days} days without any link to you. E-mail "
    "addresses, phone numbers, addresses, dates, numbers and names you give are removed first. "
    "Because they are linked to no conversation, deleting your conversation does not delete them."
)

# --- counsellor dashboard (api/routes/dashboard*.py, api/templates/dashboard/) ----------------
DASHBOARD_TITLE = N_("Counsellor dashboard")
DASHBOARD_SKIP = N_("Skip to content")
DASHBOARD_LOGIN = N_("Log in")
DASHBOARD_LOGOUT = N_("Log out")
DASHBOARD_EMAIL = N_("Email")
DASHBOARD_PASSWORD = N_("Password")
DASHBOARD_NAME = N_("Name")
DASHBOARD_LOGIN_FAILED = N_("Login failed. Check your email and password.")
DASHBOARD_LOGIN_THROTTLED = N_("Too many failed attempts. Please wait a few minutes and try again.")
DASHBOARD_CSRF_FAILED = N_("The form has expired. Please reload the page and try again.")
DASHBOARD_FORBIDDEN = N_("Only administrators may open this page.")
DASHBOARD_NOT_FOUND = N_("This case does not exist or is not routed to your offices.")
DASHBOARD_BACK = N_("Back to the queue")
DASHBOARD_QUEUE = N_("Queue")
DASHBOARD_FILTER = N_("Filter")
DASHBOARD_STATUS = N_("Status")
DASHBOARD_STATUS_OPEN = N_("Open (new and claimed)")
DASHBOARD_STATUS_NEW = N_("New")
DASHBOARD_STATUS_CLAIMED = N_("Claimed")
DASHBOARD_STATUS_CLOSED = N_("Closed")
DASHBOARD_STATUS_ALL = N_("All")
DASHBOARD_TOPIC = N_("Topic")
DASHBOARD_CASE_LANGUAGE = N_("Language of the person")
DASHBOARD_ANY = N_("Any")
DASHBOARD_SEARCH = N_("Search in summaries")
DASHBOARD_DISTRICT = N_("District")
DASHBOARD_URGENT = N_("Urgent")
DASHBOARD_AGE = N_("Waiting")
DASHBOARD_AGE_MINUTES = N_("Minutes: {count}")
DASHBOARD_AGE_HOURS = N_("Hours: {count}")
DASHBOARD_AGE_DAYS = N_("Days: {count}")
DASHBOARD_CLAIMED_BY = N_("Claimed by {name}")
DASHBOARD_NO_CASES = N_("No cases match.")
DASHBOARD_CASE = N_("Case")
DASHBOARD_CLAIM = N_("Claim this case")
DASHBOARD_RELEASE = N_("Release the case")
DASHBOARD_CLOSE = N_("Close the case")
DASHBOARD_ALREADY_CLAIMED = N_("Someone else has already claimed this case, or it is closed.")
DASHBOARD_CLAIMED_BY_SOMEONE = N_("This case was claimed by someone else a moment ago: {name}.")
DASHBOARD_MODE = N_("Conversation")
DASHBOARD_LIVE = N_("You are talking with the person; the chatbot is paused.")
DASHBOARD_NOT_LIVE = N_("The chatbot answers the person. Your replies still reach them.")
DASHBOARD_HAND_BACK = N_("Hand back to the chatbot")
DASHBOARD_TAKE_OVER = N_("Talk with the person again")
DASHBOARD_PAUSE_FAILED = N_(
    "The chatbot could not be paused right now. The person's messages still reach you here."
)
DASHBOARD_CLOSE_MESSAGE = N_("Closing message to the person (optional): a canned reply or your own text.")
DASHBOARD_REOPEN = N_("Reopen the case")
DASHBOARD_NOT_CLOSED = N_("Only a closed case can be reopened.")
DASHBOARD_OPEN_CASE_EXISTS = N_("This conversation already has an open case at that office.")
DASHBOARD_TRANSFER = N_("Pass on to another office")
DASHBOARD_TRANSFER_TO = N_("Responsible office")
DASHBOARD_TRANSFER_INVALID = N_("Choose another office from the list.")
DASHBOARD_TRANSFERRED = N_("The case has been passed on to the other office.")
DASHBOARD_UNREAD = N_("Unread: {count}")
DASHBOARD_NEW_CASE = N_("A new case has arrived.")
DASHBOARD_CASE_CHANGED = N_("This case has just changed. Reload the page.")
DASHBOARD_EVENT_CREATED = N_("Case created")
DASHBOARD_EVENT_CLAIMED = N_("Claimed by {name}; the chatbot is paused")
DASHBOARD_EVENT_RELEASED = N_("Released by {name}")
DASHBOARD_EVENT_HANDED_BACK = N_("Handed back to the chatbot by {name}")
DASHBOARD_EVENT_TAKEN_OVER = N_("Taken over again by {name}; the chatbot is paused")
DASHBOARD_EVENT_CLOSED = N_("Closed by {name}")
DASHBOARD_EVENT_REOPENED = N_("Reopened by {name}")
DASHBOARD_EVENT_TRANSFERRED = N_("Passed on to another office by {name}")
DASHBOARD_CLAIM_FIRST = N_("Claim the case before you answer or close it.")
DASHBOARD_CLAIMED_BY_OTHER = N_("Another counsellor has claimed this case. Only they can answer.")
DASHBOARD_SUMMARY_DE = N_("Summary (German)")
DASHBOARD_SUMMARY_USER = N_("The person's own words")
DASHBOARD_CONVERSATION = N_("Conversation")
DASHBOARD_FROM_USER = N_("Person")
DASHBOARD_FROM_BOT = N_("Chatbot")
DASHBOARD_FROM_COUNSELLOR = N_("Counsellor: {name}")
DASHBOARD_CITED = N_("Articles cited")
DASHBOARD_NO_CONVERSATION = N_("The conversation is no longer stored.")
DASHBOARD_CONTACT_CARD = N_("Contact card the person received")
DASHBOARD_NOTES = N_("Internal notes")
DASHBOARD_NOTES_HINT = N_("Only counsellors see notes. The person never does.")
DASHBOARD_ADD_NOTE = N_("Add note")
DASHBOARD_NOTE_INVALID = N_("A note must not be empty and may have at most 4000 characters.")
DASHBOARD_REPLY = N_("Reply to the person")
DASHBOARD_REPLY_HINT = N_("The reply appears in the person's chat, marked as a message from a person.")
DASHBOARD_SEND = N_("Send reply")
DASHBOARD_SENT = N_("Your reply has been sent.")
DASHBOARD_REPLY_INVALID = N_("The reply is empty or too long.")
DASHBOARD_CONVERSATION_GONE = N_("The person has deleted this conversation. A reply cannot reach them.")
DASHBOARD_CANNED = N_("Canned replies")
DASHBOARD_CANNED_PICK = N_("Canned reply (the person receives it in: {language})")
DASHBOARD_NO_CANNED = N_("None: my own text")
DASHBOARD_CANNED_GERMAN = N_("German:")
DASHBOARD_CANNED_PERSON = N_("What the person receives ({language}):")
DASHBOARD_CANNED_SENT_IN = N_("Canned reply, sent in: {language}")
DASHBOARD_CANNED_CONTENT = N_(
    "Canned replies are content like the articles: staff edit knowledge/replies.yml (every reply in all "
    "ten languages) and check it with python -m bot check."
)
DASHBOARD_TEXT_LANGUAGE = N_("Language of your own text")
DASHBOARD_WRITTEN_IN = N_("Written in: {language}")
DASHBOARD_FREE_TEXT_HINT = N_(
    "Your own text is not translated: it goes out as written, marked with its language. For the "
    "person's language, choose a canned reply."
)
DASHBOARD_ACCOUNT_SETTINGS = N_("Offices and notices")
DASHBOARD_PUBLIC_NAME = N_("Name shown to the person")
DASHBOARD_PUBLIC_NAME_HINT = N_(
    "For example: Beraterin der Ausländerbehörde Harz. No surname needed. Empty: \"A counsellor of\" "
    "and the office, in the person's language."
)
DASHBOARD_NOTIFY_URGENT = N_("E-mail about new urgent cases of these offices")
DASHBOARD_TEXT = N_("Text")
DASHBOARD_TITLE_FIELD = N_("Title")
DASHBOARD_SAVE = N_("Save")
DASHBOARD_DELETE = N_("Delete")
DASHBOARD_ACCOUNTS = N_("Accounts")
DASHBOARD_NEW_ACCOUNT = N_("New account")
DASHBOARD_ROLE = N_("Role")
DASHBOARD_ROLE_COUNSELLOR = N_("Counsellor")
DASHBOARD_ROLE_ADMIN = N_("Administrator")
DASHBOARD_OFFICES = N_("Offices")
DASHBOARD_ACTIVE = N_("Active")
DASHBOARD_DISABLED = N_("Disabled")
DASHBOARD_DISABLE = N_("Disable")
DASHBOARD_ENABLE = N_("Enable")
DASHBOARD_NEW_PASSWORD = N_("New password")
DASHBOARD_RESET_PASSWORD = N_("Set new password")
DASHBOARD_SAVED = N_("Saved.")
DASHBOARD_ACCOUNT_INVALID = N_("Enter an email address, a name and a role.")
# The queue's views and filters, topic names, the case's last message (issue 14).
DASHBOARD_VIEW = N_("Show")
DASHBOARD_VIEW_ALL = N_("All cases")
DASHBOARD_VIEW_MINE = N_("My cases")
DASHBOARD_VIEW_UNCLAIMED = N_("Unclaimed")
DASHBOARD_OFFICE = N_("Office")
DASHBOARD_URGENCY = N_("Urgency")
DASHBOARD_URGENT_ONLY = N_("Urgent only")
DASHBOARD_NOT_URGENT = N_("Not urgent")
DASHBOARD_TOPIC_LIVING = N_("Living and everyday life")
DASHBOARD_TOPIC_GENERAL = N_("Other questions")
DASHBOARD_LAST_MESSAGE = N_("Last message from the person")
DASHBOARD_ACCOUNT_EXISTS = N_("An account with this email address already exists.")
DASHBOARD_NOT_YOURSELF = N_("You cannot disable your own account.")
DASHBOARD_PASSWORD_TOO_SHORT = N_("The password must have at least 12 characters.")
DASHBOARD_PASSWORD_TOO_WEAK = N_(
    "This password is too easy to guess. Do not use your name, your email or a common password."
)

# --- figures from knowledge/facts/ (bot/knowledge/rendering.py) -----------------------------
#: In brackets after a figure whose time has passed and whose next value is not known yet:
#: "13,90 € (this was the 2026 figure; ...)". Starts in lower case.
FACT_EXPIRED_YEAR = N_(
    "this was the {year} figure; the {next_year} figure had not yet been published when this was "
    "last checked"
)
#: The same for a figure that did not apply for a calendar year.
FACT_EXPIRED_ON = N_(
    "this figure applied until {date}; a newer figure had not yet been published when this was last checked"
)
#: In brackets after a figure that applies only from a later day.
FACT_APPLIES_FROM = N_("applies from {date}")

# --- "Did this help?" under an answer, and the content-gap loop (api/routes/feedback.py) ---------
WIDGET_HELPED_QUESTION = N_("Did this help?")
WIDGET_HELPED_YES = N_("Yes, it helped")
WIDGET_HELPED_NO = N_("No, it did not help")
WIDGET_HELPED_THANKS = N_("Thank you for telling us.")
WIDGET_NOT_HELPED = N_(
    "Thank you for telling us. We use it to improve our answers. A counsellor can answer your question "
    "personally."
)
#: The role of staff who keep knowledge/ (the content-gap and knowledge pages, no cases).
DASHBOARD_ROLE_STAFF = N_("Content editor")
