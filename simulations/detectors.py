"""Detectors for counsellor lines: what kind of move a message makes (Flask-free).

Used by the scripted virtual youth (which move did the trainee make?) and by the automatic
feedback (how many open questions, reflections, was safety asked?). Rule-based, Dutch and
English, deterministic. Their precision and recall on a labelled set of counsellor lines
(simulations/detectors/labelled.yml) are printed by `python -m simulations.detectors` (held-out
half and full set) and `flask simulations measure`, and reported in docs/detectors.md, where
the rules are described in words.

How a message is read: it is normalised (lower case, accents and curly quotes removed),
split into sentences (also at emoticons such as ":)"), and each sentence into clauses (at
",", ";", ":" and dashes). Question forms are recognised per clause, so a tag such as
"..., klopt dat?" or a clause after a colon counts; topics (safety, goals, feelings) are
looked for in the whole sentence.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

DETECTORS = ("open_question", "closed_question", "reflection", "safety_question", "goal_question",
             "advice", "greeting", "closing")

LABELLED = Path(__file__).with_name("detectors") / "labelled.yml"


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip()


_EMOTICON = re.compile(r"(?<!\w)[:;=]-?[()dpo/\\|]+(?!\w)|<3|\bxd\b")


def sentences(text: str) -> list[str]:
    """Split into sentences, keeping the punctuation that ends each; emoticons end one too."""
    text = _EMOTICON.sub("\n", text)
    parts = re.findall(r"[^.!?\n]+[.!?]*", text)
    return [p.strip() for p in parts if p.strip(" .!?")]


def _clauses(bare: str) -> list[str]:
    """The clauses of a sentence (split at , ; : and dashes), without leading connectives."""
    out = []
    for part in re.split(r"\s*[,;:]\s*|\s+[-–—]\s+", bare):
        part = _LEAD.sub("", part.strip(" '\"()"))
        if part and not _DISCOURSE.search(part):
            out.append(part)
    return out


def _rx(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Clauses that only manage the conversation ("Weet je wat, ...", "Kijk, ...").
_DISCOURSE = re.compile(r"^(weet je wat|you know what|kijk|look|zeg|nou|listen|luister)$")
# Connectives and fillers that may precede the real start of a clause.
_LEAD = re.compile(r"^(?:(?:en|maar|of|dus|oke|ok|okay|oh|nou|hmm+|goed|and|but|or|so|well|right)\b,? )+")

# --- question forms -----------------------------------------------------------------------
WH = (r"(wat|hoe|hoezo|waarom|waardoor|waarover|waarmee|waaraan|waarvan|waarop|waarin|waarbij|"
      r"waarvoor|waarheen|welke?|wie|wiens|waar|wanneer|hoeveel|hoelang|"
      r"what|what's|whats|how|how's|hows|why|which|who|who's|whom|whose|where|where's|when|"
      r"in what way)")
WH_START = re.compile(rf"^{WH}\b")
# A wh-word followed by a subject pronoun opens a statement ("Wat je zegt is ..."), not a
# question, unless a question mark says otherwise.
WH_STATEMENT = re.compile(rf"^{WH} (je|jij|ik|we|wij|hij|zij|ze|you|i|we|he|she|they)\b")
# Exclamations of sympathy or praise: "Wat erg!", "Wat knap dat ...", "What a ...", "How brave".
EVALUATIVE = (r"(goed|fijn|naar|rot|erg|knap|lief|mooi|stom|moeilijk|vervelend|sterk|dapper|lastig|"
              r"balen|heftig|leuk|gaaf|bijzonder|klote|kut|verdrietig|zielig|pijnlijk|eng|raar|"
              r"nice|awful|brave|horrible|great|good|sad|hard|lovely|terrible|difficult|strong|"
              r"cool|kind|sweet|scary|painful|rough|tough|annoying)")
EXCLAMATION = _rx(rf"^(wat|hoe|what|how) (ontzettend |echt |heel |super |erg |really |so |very )?{EVALUATIVE}\b",
                  r"^(wat een|what an?|hoe dan ook|anyhow)\b")
IMPERATIVE_NL = (r"(bel|praat|vertel|zeg|ga|stop|doe|maak|neem|zoek|schrijf|blijf|denk|probeer|bewaar|blokkeer|"
                 r"zet|vraag|meld|let|hou|houd|lees|negeer|verwijder|sluit|stuur|app|mail|loop|wacht|"
                 r"gebruik|eet|drink|leg|geef|luister|adem|kies|vermijd|screenshot|meld|check|onthoud)")
IMPERATIVE_EN = (r"(call|talk|tell|stop|do|make|take|look|write|stay|think|try|keep|block|save|put|ask|"
                 r"go|turn|delete|report|avoid|don't|never|get|screenshot|contact|reach out|text|ring|"
                 r"switch|remember|ignore|leave|breathe|pick|choose|speak|send|find)")
# Suggestions dressed as questions: advice, not questions ("Wat als je ...", "Why don't you").
SUGGESTION_Q = _rx(r"^(wat als|wat dacht je van|hoe zou het zijn als|wat let je)\b",
                   r"^(what if|what about|how about|why don'?t you|why not)\b",
                   rf"^waarom {IMPERATIVE_NL} (je|jij) (\w+ ){{0,2}}niet\b")

NL_VERB = (r"(ben|bent|heb|hebt|heeft|hebben|had|hadden|wil|wilt|willen|wou|wilde|kun|kunt|kan|"
           r"kunnen|kon|konden|mag|mogen|mocht|moet|moeten|moest|zou|zouden|zal|zullen|is|zijn|was|"
           r"waren|word|wordt|worden|werd|doe|doet|doen|deed|ga|gaat|gaan|ging|kom|komt|komen|kwam|"
           r"weet|weten|wist|voel|voelt|voelde|denk|denkt|dacht|vind|vindt|vond|snap|snapt|begrijp|"
           r"merk|merkt|zie|ziet|zag|hoor|hoort|hoorde|woon|woont|durf|durft|slaap|slaapt|praat|"
           r"praten|zit|zat|speelt|speelde|krijg|krijgt|kreeg|blijf|blijft|loop|loopt|maak|maakt|"
           r"houd|hou|houdt|klopt|klopte|gebeurt|gebeurde|helpt|hielp|lukt|lukte|lijkt|klinkt|"
           r"herken|herkent|ken|kent|mis|mist|gebruik|gebruikt|eet|drink|drinkt|heet|sta|staat|lig|"
           r"ligt|leeft|geloof|gelooft|vertrouw|vertrouwt|spreek|spreekt|werk|werkt|zeg|zegt|zei|"
           r"bedoel|bedoelt|schrijf|schrijft|slaat|sloeg|schopt|dreigt|noem|noemt|wens|wenst|hoop|"
           r"hoopt|twijfel|twijfelt|schaam|schaamt|kijk|kijkt|chat|chatten|app|appt|sport|leer|leert|"
           r"kras|krast|snijd|snijdt|rook|rookt|huil|huilt|vecht|pest|pesten|game|"
           r"gamet|lees|leest|luister|luistert|eten|neemt|sla|"
           r"schreeuw|schreeuwt|vertel|vertelt|vraag|vraagt|spijbel|spijbelt|blow|blowt)")
NL_SUBJECT = r"(je|jij|u|het|er|hij|zij|ze|jullie|dat|dit|die|deze|iemand|iets|ik|we|wij|men|jouw)"
EN_AUX = (r"(are|is|do|does|did|have|has|had|can|could|would|will|should|shall|may|might|must|was|"
          r"were|am|isn't|aren't|don't|doesn't|didn't|haven't|hasn't|can't|couldn't|wouldn't|won't|"
          r"shouldn't|wasn't|weren't)")
EN_SUBJECT = r"(you|it|he|she|they|there|that|this|anyone|anybody|someone|somebody|i|we)"
# Yes/no form: the finite verb first (Dutch inversion, English auxiliary first).
# Without a question mark, "het/dat/die" after a verb is more often the object of a command
# ("Schrijf het op"); only copulas and a few impersonal verbs take them as subject then.
YES_NO = _rx(rf"^(\w+ of )?{NL_VERB} (je|jij|u|hij|zij|ze|jullie|iemand|ik|we|wij|er)\b",
             rf"^(is|was|klopt|klopte|gebeurt|gebeurde|lukt|lukte|helpt|hielp|speelt|geldt|maakt) {NL_SUBJECT}\b",
             rf"^{EN_AUX} {EN_SUBJECT}\b")
YES_NO_ANY = re.compile(rf"^{NL_VERB} {NL_SUBJECT}\b")
# With a question mark, any auxiliary + noun phrase counts ("Do your parents know?").
YES_NO_ASKED = _rx(rf"^{NL_VERB} (je|jouw|de|het|een|die|dat|mijn|jullie|haar|zijn)\b",
                   rf"^{EN_AUX} (your|the|a|an|my|his|her|their|these|those|any|some)\b")
# Tags and checks that turn a statement into a closed question.
TAG = _rx(r"^(klopt (dat|het)|toch|of niet|right|is that (it|right|so)|isn't it|am i right|correct)$")
# "..., merk ik." / "..., denk ik": a parenthetical after a statement, not a question.
PARENTHETICAL = re.compile(r"^(merk|denk|zie|lees|hoor|begrijp|snap|vermoed|geloof|gok|neem) ik( aan| zo)?$")
# A clause opened by a subordinator; the main clause after it is inverted in Dutch
# ("Als je wilt, kun je morgen weer chatten") without being a question.
SUBORDINATE = re.compile(r"^(als|wanneer|toen|omdat|doordat|sinds|zodra|nu|terwijl|voordat|nadat|if|when|because|since|once|as soon as)\b")
# A trailing clause that offers options ("..., thuis of buiten?") makes a choice question.
OPTIONS = re.compile(r"^(\w+ ){0,4}\w+ (of|or) (\w+ ){0,4}\w+$")

# Invitations to tell, with or without question mark (open questions).
INVITATION = _rx(
    r"^(kun|kan|wil|zou|zoudt) (je|jij|u) (?!.*\b(aan|tegen) (je|jouw|iemand|hem|haar|de|een|die|zijn|mijn)\b)"
    r"(\w+ ){0,6}?(vertellen|uitleggen|beschrijven|toelichten|delen)\b",
    r"^(vertel|beschrijf|schets)\b(?! (het|dit|dat) (aan|tegen)\b)", r"^leg (\w+ ){0,4}uit\b",
    r"^zeg (eens|maar)\b", r"^(ga|ga maar|ga gerust) (door|verder)\b",
    r"^ik (ben|was) (benieuwd|nieuwsgierig)\b", r"^ik vraag me af\b",
    r"^ik (hoor|wil|zou) (\w+ ){0,2}graag (\w+ ){0,2}(horen|weten|begrijpen)\b",
    r"^(en |and )?(toen|verder|daarna|then|after that|what else|what next)$",
    r"^(dan|nu|now)$",
    r"^(can|could|would|will) you (\w+ ){0,3}?(tell me|tell us|say (a bit |a little |some )?more|"
    r"explain|describe|share|talk (a bit |a little )?(more )?about|walk me through)\b",
    r"^(tell|walk) me\b", r"^(explain|describe)\b", r"^(keep going|go on|carry on)\b",
    r"^i('m| am) (curious|wondering)\b", r"^i wonder\b",
    r"^i('d| would) (like|love) to (hear|know|understand)\b",
)

# --- topics -------------------------------------------------------------------------------
SAFETY = _rx(
    r"\b(on)?veilig", r"\bgevaar", r"\bzelfmoord", r"\bsuicid", r"\bzelfdoding", r"\bdoodgaan\b",
    r"\b(aan|over) de dood\b", r"\b(liever )?dood (wil|wilt|willen|wou|zijn|zou)\b", r"\blevensmoe", r"\beinde? aan (je |jouw |het )?leven\b", r"\ber (een )?einde? aan (te )?maken\b",
    r"\bniet meer (wilt |wil |willen )?(leven|er (wilt |willen )?zijn|wakker worden)\b",
    r"\bjezelf\b.{0,25}\b(pijn|iets aan|snij|kras|beschadig|verwond|verwond)",
    r"\bzelfbeschadig", r"\b(snij|kras)\w*", r"\b(wond|wondjes|wonden|snijwond\w*|littekens?|verwonding\w*)\b",
    r"\b(pillen|medicijnen|tabletten|messen|mesjes|touw|wapen)\b", r"\bplan\b.{0,30}\b(hoe|wanneer) je\b",
    r"\b(slaat|sloeg|schopt|schopte|mishandelt|mishandeld|dreigt|bedreigt|bedreigd|geslagen|geschopt|misbruik\w*|aangerand|aanraakt)\b",
    r"\bpijn (gedaan|doen|doet)\b", r"\bgewond\b", r"\b(je|jou) (iets )?(aandoet|aandoen|aangedaan|iets aan doet)\b", r"\biemand bij (je|jou)( (\w+ ){0,2}(nu|op dit moment|vannacht|vanavond|thuis))?$",
    r"\biemand bij (je|jou) (\w+ ){0,2}(nu|op dit moment|vannacht|vanavond)\b", r"\bben je (nu |thuis )?alleen\b",
    r"^waar ben je (nu|op dit moment|nu precies)\b", r"\b(hij|zij|ze|je \w+|jouw \w+|iemand) (erachter komt|erachter kwam|het ontdekt|dit ontdekt)\b",
    r"\b(un)?safe(ly|ty)?\b", r"\bdanger", r"\bkill(ing)? (your|him|her|my)sel", r"\b(want|wanting|wish|wished|rather) to die\b",
    r"\b(about|of) (dying|death|being dead)\b", r"\b(better off|rather be|wish you were) dead\b", r"\bend(ing)? (your|it all|your own)( life)?\b",
    r"\bnot (want(ing)? to )?(be alive|wake up|live|be here)\b", r"\bbe(ing)? here anymore\b",
    r"\b(hurt|harm|cut|cutting|hurting|harming)\w* yourself\b", r"\b(get|got|gotten|getting|been) (hurt|injured|beaten|hit)\b", r"\bself[- ]?harm", r"\b(cuts|wounds?|scars?|injur\w*)\b",
    r"\b(pills|tablets|medication|knife|knives|blades?|rope|weapon|gun)\b", r"\bplan\b.{0,30}\b(how|when) you\b",
    r"\b(hit|hits|hitting|beat|beats|kick|kicks|hurt|hurts|threaten|threatens|threatened|touch|touches|abuse|abuses|abused) you\b",
    r"\b(anyone|someone|anybody|somebody) (\w+ )?with you( (\w+ ){0,2}(now|at the moment|tonight|at home))?$",
    r"\b(anyone|someone|anybody|somebody) (\w+ )?with you (\w+ ){0,2}(now|at the moment|tonight)\b", r"^are you (home |at home )?alone\b",
    r"^where are you (now|right now|at the moment)\b", r"\b(he|she|they|your \w+|someone|anyone) (finds?|found) out\b",
)
GOAL = _rx(
    r"^(wat|waar|hoe|welke?)\b.{0,40}\b(wil|wilt|zou|zouden|hoop|hoopt|hopen)\b.{0,50}"
    r"\b(dit gesprek|deze chat|de chat|dit chatgesprek|ons gesprek|halen|bereiken|anders|verander\w*|beginnen|"
    r"starten|verder|vandaag|als eerste|eerst)\b",
    r"^wat (heb|verwacht|wil|wilt|zou) (je|jij) (\w+ ){0,3}van (mij|ons)\b",
    r"^what (do|would) you (need|want|expect|like) from (me|us)\b",
    r"^(wat|waar|waarmee|hoe)\b.{0,30}\b(zou|zouden|kan|kun|kunnen|zal|zullen)\b.{0,30}\bhelpen\b",
    r"^wat (moet|zou|zal) er (\w+ ){0,3}(gebeuren|veranderen)\b",
    r"\b(zullen|laten) we\b", r"\bik stel voor (dat we|om samen|om eerst)\b",
    r"\b(kunnen|zullen) we (\w+ ){0,3}(kijken|bekijken|uitzoeken|nadenken|beginnen)\b",
    r"\b(is het|vind je het|lijkt het je|is dat) (\w+ )?(goed|oke|prima|fijn) (als|dat) we\b",
    r"\b(wil|wilt|zou|hoop|zoek|zoekt) (je|jij) (\w+ ){0,4}(tips|advies|verhaal kwijt|meedenken|luisterend oor)\b",
    r"^(kan|kun|mag) ik (je|jou) (\w+ ){0,2}helpen\b", r"^(can|may) i help( you)?\b",
    r"\b(gesprek|chat|conversation)\b.{0,30}\b(zinvol|nuttig|de moeite waard|worthwhile|useful|helpful|worth it)\b",
    r"^(what|where|how|which)\b.{0,40}\b(want|like|hope|wish)\b.{0,50}"
    r"\b(this chat|this conversation|our chat|the chat|get out|achieve|different|change|start with|begin with|"
    r"(when|before) we (finish|stop|end)|by the end|today|first)\b",
    r"^(what|how)\b.{0,25}\b(would|could|can|might|will)\b.{0,25}\bhelp\b",
    r"^what (needs|has|would need|would have) to (happen|change)\b",
    r"\bshall we\b", r"\b(let'?s|let us) (look|focus|start|try|see|work|talk|think|begin|make)\b", r"\bi (suggest|propose) (that )?we\b",
    r"\b(is it|is that|would it be) (\w+ )?(ok|okay|alright|all right|fine) (if|that) we\b", r"\bwe could (start|focus|look|work)\b",
    r"\bcan we (start|focus|look|work)\b",
    r"\b(want|like|looking for|hoping for)\b (\w+ ){0,5}(tips|advice|off your chest|someone to listen)\b",
)
_ADVERB = r"(gewoon|echt|maar|beter|eigenlijk|misschien|wel|toch|best|just|really|probably|honestly|definitely|maybe|also|still|really)"
# Imperatives that are not advice: invitations to go on, patience, good wishes.
NOT_ADVICE_IMPERATIVE = _rx(
    r"^(neem|take) (je|jouw|gerust|rustig|de|your|all the|as much)\b", r"^(neem|take) (je |jouw |your )?(tijd|time)\b",
    r"^(take care|look after yourself|zorg goed|pas goed op)\b", r"^(ga|ga maar|ga gerust) (door|verder)\b",
    r"^(keep going|go on|carry on|go ahead)\b", r"^(tell|walk) me\b", r"^(vertel|leg)\b(?! (het|dit|dat|hem|haar) (aan|tegen)\b)", r"^(explain|describe)\b",
    r"^(wacht|hold on)\b", r"^(slaap|sleep) (lekker|well|tight)\b", r"^(zeg|say) (eens|maar|more)\b",
    r"^(kijk|look),? ", r"^(denk|think) (eens )?(aan|na over) (wat|hoe)\b", r"^(laat|let) (me|ons|us) (weten|know)\b",
)
RESOURCE = (r"\b(112|113|0800[- ]?\d*|kindertelefoon|veilig thuis|huisarts|vertrouwenspersoon|politie|"
            r"jeugdarts|schoolmaatschappelijk|luisterlijn|hulplijn|meldpunt|slachtofferhulp|childline|"
            r"helpline|samaritans|gp|doctor|police|school nurse|school counsellor)\b")
CONTACT_VERB = (r"(bellen|chatten|mailen|appen|terecht|contact|aangifte|melden|praten met|"
                r"call|ring|chat|text|email|contact|reach|talk to|speak to|go to|report)")
ADVICE = _rx(
    rf"^(je|jij) ({_ADVERB} )?(moet|moest|hoeft alleen|kunt het best|kan het best|kunt beter|kan beter|mag niet)\b",
    r"^(je|jij) zou (\w+ ){0,5}(moeten|kunnen)\b", r"\bje (kunt|kan) het (beste?|beter)\b",
    r"\bhet (is|lijkt me|zou) (\w+ ){0,2}(beter|slim|verstandig|handig|een idee|een goed idee|goed) (om|als je)\b",
    r"\bhet (kan|kon|zou) (\w+ ){0,2}helpen (om|als je)\b", r"^(zou|kan) het (\w+ ){0,2}helpen (om|als)\b",
    r"^zou het (\w+ ){0,2}(een idee|goed|slim) zijn\b",
    r"^ik zou(?! (graag|willen|het fijn|het leuk|benieuwd|zeggen|als|ook graag|je graag))\b", r"\bals ik (jou|jij) was\b",
    r"\bmisschien (kun|kan|moet|zou|kunt) (je|jij)\b",
    r"\bmisschien is het (\w+ ){0,2}(een idee|goed|slim|handig|verstandig)\b", r"\bmisschien helpt het (om|als)\b",
    r"^heb je (er |het )?(al |weleens |wel eens |ooit |al eens |eens )?(aan gedacht|over nagedacht|overwogen|geprobeerd)\b",
    r"^(moet|kun|kan|zou) je (het )?niet (gewoon|eens|beter|liever|eerst)\b",
    r"^(dan|daarom|anders) (moet|moest|kun|kunt|kan|zou|mag) (je|jij)\b",
    r"^(wat als|wat dacht je van|hoe zou het zijn als)\b", rf"^waarom {IMPERATIVE_NL} (je|jij) (\w+ ){{0,2}}niet\b",
    r"\bmijn (tip|advies)\b", r"^(een |mijn )?(tip|advies)$", r"\bik (raad|adviseer) (je|jou)\b", r"\bik stel voor (dat je|om je)\b",
    rf"^(you|u) ({_ADVERB} )?(should|need to|have to|must|ought to|'d better|had better|better)\b",
    r"^you (could|might) (\w+ ){0,2}(try|want to|consider)\b",
    r"^i('d| would)(?! (like|love|want|be|hope|say|imagine|guess|think|rather not|appreciate|also like))\b",
    r"\bif i were you\b", r"^(maybe|perhaps) you (could|should|can|might|'d|would)\b",
    r"^(maybe|perhaps) it (would|could|might) (help|be (an idea|good|worth))\b",
    r"\bit'?s (probably |often )?(best|better|wise|smart|a good idea|worth) (to|trying|if you)\b",
    r"\bit (might|could|may|can) help (to|if)\b", r"^(would|could|might|will) it help (to|if)\b",
    r"^have you (ever |already |thought about |)?(thought about|considered|tried)\b",
    r"^(shouldn't|couldn't) you\b", r"^can't you just\b", r"^wouldn't it be (better|good|an idea|wise)\b", r"^(what if|what about|how about|why don'?t you|why not)\b",
    r"\bmy (tip|advice)\b", r"\bi (suggest|recommend|advise) (you|that you)\b",
    r"^(tip|advice|pro tip)$",
)
# Commands: an imperative verb first, not followed by a subject (that would be a question).
IMPERATIVE = _rx(rf"^{IMPERATIVE_NL}\b(?! (je|jij|u)\b)", rf"^{IMPERATIVE_NL} (dan|maar|gewoon|eens|wel|toch|even)\b",
                 rf"^(just |please |maybe |perhaps )?{IMPERATIVE_EN}\b(?! (you|me)\b)")
# "You can call ..." / "Bij 113 kun je ook chatten": where to go, said as a statement.
RESOURCE_ADVICE = _rx(
    rf"\b(je kunt|je kan|jij kunt|kun je|kan je|je mag)\b (\w+ ){{0,5}}?{CONTACT_VERB}",
    rf"\byou (can|could|may) (\w+ ){{0,5}}?{CONTACT_VERB}",
    rf"\b(bij|naar|via|contact met|call|ring|text|contact|chat with|go to|talk to|speak to) "
    rf"(de |het |je |the |your |a )?{RESOURCE}",
)
# Not advice: coming back here, or what this chat itself offers ("Hier kun je anoniem chatten").
RETURN = re.compile(r"\b(weer|terug|opnieuw|again|back|hier|here|met mij|met ons|with me|with us)\b")

FEELING = (
    r"(boos|kwaad|verdrietig|bang|angstig|eenzaam|alleen|moe|leeg|gefrustreerd|teleurgesteld|"
    r"onzeker|gekwetst|machteloos|wanhopig|in de war|verward|gestrest|zenuwachtig|"
    r"opgelucht|blij|trots|bezorgd|ongerust|klem|radeloos|verloren|verscheurd|onrustig|somber|down|"
    r"rot|heftig|zwaar|moeilijk|lastig|eng|oneerlijk|onveilig|niet gezien|niet gehoord|schuldig|"
    r"overspoeld|overweldigd|uitgeput|kapot|op|het zat|klaar mee|gek van|jaloers|geraakt|afgewezen|"
    r"gespannen|paniekerig|in paniek|ellendig|beroerd|vervelend|naar|kut|klote|"
    r"angry|mad|sad|scared|afraid|frightened|lonely|alone|tired|exhausted|empty|frustrated|"
    r"disappointed|insecure|ashamed|guilty|hurt|helpless|hopeless|confused|stressed|nervous|relieved|"
    r"happy|proud|worried|anxious|stuck|trapped|lost|torn|upset|overwhelmed|heavy|hard|difficult|"
    r"tough|awful|unfair|unsafe|scary|painful|rough|unseen|unheard|worn out|fed up|sick of|"
    r"rubbish|miserable|jealous|rejected|tense|panicky|embarrassed|down|low|horrible|terrible|"
    r"frightening|lonely|heartbroken|gutted|done)"
)
REFLECTION = _rx(
    # Naming their feeling, in statement order.
    rf"^(je|jij) (voelt je|voelde je|bent|was|lijkt|klinkt|wordt|werd|raakt|blijft|zit|lijkt me) (\w+ ){{0,3}}{FEELING}\b",
    rf"\b(maakt|maakte|maken) (je|jou) (\w+ ){{0,2}}{FEELING}\b",
    r"^(je|jij) (schaamt|schaamde|ergert|ergerde|verveelt|irriteert|pijnigt) je\b", r"^je maakt je (\w+ )?zorgen\b",
    r"^(je|jij) (mist|baalt|twijfelt|houdt van|haat|piekert|twijfelt)\b",
    rf"^(you|you're|you are|you were|you feel|you felt|you seem|you sound|you look|you get|you must be|you might be)"
    rf"( \w+){{0,3}} {FEELING}\b",
    rf"^you('re| are)( \w+){{0,3}} {FEELING}\b", rf"\b(makes|made|make) you (feel )?(\w+ ){{0,2}}{FEELING}\b",
    r"^you (miss|hate|love|worry|dread|blame yourself|can't stand)\b",
    # Tentative and checking forms.
    r"\b(dat|het) klinkt\b", r"\bhet lijkt (alsof|of|erop|me dat je)\b", r"\bhet voelt (alsof|als)\b",
    rf"\bdat moet (\w+ ){{0,2}}{FEELING} (zijn|voelen)\b",
    rf"\b(het|dat) (is|was|moet) (\w+ ){{0,2}}{FEELING} (\w+ )?voor (je|jou)\b",
    rf"\b(it|that) (is|was|'s|must be|must have been|might be|may be) (\w+ ){{0,2}}{FEELING} for you\b", r"\bdat moet (\w+ ){0,2}(zijn|voelen) voor je\b",
    r"^ik (hoor|lees|begrijp|snap|kan me voorstellen) (\w+ ){0,2}dat\b", r"^ik hoor je zeggen\b",
    r"\bals ik (het|je|jou) goed begrijp\b", r"\bals ik het (even )?samenvat\b", r"^(samengevat|kortom|even samenvatten)\b",
    r"^(klopt het|heb ik het goed|begrijp ik (het |je )?goed|zie ik het goed) (dat|als)\b",
    r"^bedoel je (daarmee |eigenlijk )?dat\b", r"^dus (je|jij)\b", r"^we (hebben|hadden) (\w+ ){0,2}afgesproken\b", r"^we spraken af\b",
    r"^(je|jij) (zegt|zei|schrijft|schreef|noemt|noemde|vertelt|vertelde|geeft aan|bedoelt)\b",
    r"\b(that|it) (sounds|seems|feels)\b", r"\bsounds like\b", rf"\b(that|it) must (\w+ ){{0,1}}(be|feel|have been) (\w+ ){{0,2}}{FEELING}\b",
    r"^i (hear|can hear|understand|get|can see|can imagine) (\w+ ){0,1}(that|how|why|you're|you are)\b",
    r"\bif i (understand|got|get|'ve got|have got) (you|this|it|that) (right|correctly)\b", r"^(to sum up|to summari[sz]e|in short|summing up)\b",
    r"^so (you|you're|you've|you'd|your|what you're|what you are|we agreed)\b", r"^(we agreed|we've agreed)\b",
    r"^(am i right|is it right|have i got (it|that) right|do i understand (it |you )?(right|correctly)) (that|if)?\b",
    r"^do you mean (that )?you\b",
    r"^you (say|said|mention|mentioned|wrote|write|told me|tell me|'re saying|are saying|mean|described)\b",
)
# A statement about the young person's own situation ("Je school gaat goed, maar thuis ...",
# "You've told your teacher three times ..."): a paraphrase when it is neither question nor advice.
ABOUT_THEM = _rx(
    r"^(je|jij|jouw|you|you're|you've|you'd|your)\b(?! (moet|kunt|kan|mag|hoeft|zou|zal|gaat|should|need|have to|must|can|could|"
    r"might|may|will|'ll|'d better|better|just need|bent welkom|are welcome|chat met|chat with|'re welcome))",
    r"^(sinds|toen|nu|omdat|doordat|terwijl|since|because|now that|ever since|after) (je|jij|jouw|your|you)\b",
    # Dutch verb-second after a fronted phrase: "Thuis moet je ...", "Sinds de verhuizing heb je ...".
    rf"^(?!(dan|misschien|anders|eerst|gewoon|even|dus|als|wanneer|of|ik|we|wij|hij|zij|ze|het|dat|dit|er|"
    rf"men|jullie|iemand|niemand|hier)\b)(?!{WH}\b)(\w+ ){{1,4}}{NL_VERB} (je|jij)\b",
)
# Reassurance addressed to them is not a paraphrase of what they said.
REASSURANCE = re.compile(r"^(je|jij|you|you're|you are) (bent |are )?(niet de enige|niet alleen|welkom|"
                         r"not the only|not alone|welcome)\b")
GREETING = _rx(
    r"^(hoi|hallo|hey|hee|hi|hai|hiya|goedemorgen|goedemiddag|goedenavond|welkom|salaam|salam|ewa|"
    r"hello|good (morning|afternoon|evening)|welcome)\b",
    r"\bwelkom (bij|in|op|terug)\b", r"\bwelcome (to|in|back)\b(?! (stay|come|ask|talk|chat|say|tell|take|contact|call)\b)", r"\bfijn dat je (er bent|chat|ons (op)?zoekt|contact zoekt)\b",
    r"\b(good|glad|nice|great) (that )?you('re| are)? (here|came|reached out|got in touch)\b",
    r"\b(je chat|je praat|you'?re chatting|you'?re talking) (met|with|to) (een |a |an |de |the |one of )?(\w+ )?"
    r"(counsel|vrijwilliger|volunteer|hulpmix)",
)
CLOSING = _rx(
    r"\b(doei|doeg|tot ziens|tot later|tot de volgende keer|tot morgen|tot snel|slaap lekker|welterusten|"
    r"fijne avond|bye|goodbye|see you|take care|good ?night|sleep well|have a (good|nice|lovely) (night|evening|day))\b",
    r"^(dag|daag)\b(?! en\b)", r"\b(veel )?sterkte\b", r"\b(veel )?succes (met|morgen|ermee|vanavond|straks)\b",
    r"^(veel )?succes$", r"\bgood luck\b",
    r"\b(gaan|ga|moeten|moet) (\w+ ){0,2}(afronden|afsluiten|stoppen met (de chat|het gesprek))\b", r"\bafronden\b",
    r"^(we|ik) (gaan|ga|moeten|moet) (\w+ ){0,2}(stoppen|afsluiten)\b",
    r"^(we|i)('ll| will| have to| need to|'ll have to| will have to| must) (\w+ ){0,1}(stop|end|finish|close)\b",
    r"\b(wil|wilt) je (nog )?iets (anders )?(kwijt|toevoegen)\b",
    r"\b(ik|we) (sluit|sluiten|rond|ronden) (\w+ ){0,4}af\b", r"\bwrap (\w+ )?up\b",
    r"\b(i'm|i am|we're|we are) going to (close|end|stop)\b", r"\b(i|we)('ll| will) (have to )?(close|end|stop)\b",
    r"\bbefore we (stop|finish|end|close)\b",
    r"\b(je|jij) (kunt|kan|mag) (altijd |gerust |ook )?(weer|terug|opnieuw)",
    r"\b(kun|kan|mag) je (\w+ ){0,3}(weer|opnieuw) (chatten|contact|bellen|terecht)", r"\bterugkomen\b(?! op)",
    r"\byou can (always |also )?(come back|chat again|get in touch again|contact us again|reach out again)\b",
    r"\b(come|chat) back (any ?time|whenever)\b",
    r"\bfijn dat je (er )?(was|hebt gechat|gechat hebt)\b",
    r"\b(bedankt|dank je( wel)?|dankjewel|dank u) voor (het gesprek|de chat|het chatten|het contact|je vertrouwen)\b",
    r"\bthanks?( you)? for (chatting|the chat|this chat|talking (to|with) (me|us)|the conversation|this conversation|getting in touch)\b",
    r"\b(dit|ons) (chat)?gesprek\b.{0,25}\b(was|gehad|geweest|geholpen|hielp)\b",
    r"\b(hoe was|heeft|hielp) (dit|ons|deze) (chat)?(gesprek|chat)\b", r"\b(hoe was|heeft|hielp) de chat\b",
    r"\b(how was|did|has) (this|our) (chat|conversation)\b", r"\b(how was|did|has) the chat\b",
    r"\b(this|our) (chat|conversation) (was|helped|has helped)\b",
    r"\b(is er|heb je) (nog )?(iets|nog iets) (anders )?(wat|dat) je (nog )?(kwijt|wil|wilt|zou|graag)\b",
    r"\banything else (you|before)\b",
    r"\bzorg (goed )?voor jezelf\b", r"\bpas (goed )?op jezelf\b", r"\blook after yourself\b",
)


def _open_clause(clause: str, asked: bool) -> bool:
    if INVITATION.search(clause):
        return True
    if not WH_START.search(clause) or EXCLAMATION.search(clause) or SUGGESTION_Q.search(clause):
        return False
    return asked or not WH_STATEMENT.search(clause)


def _yes_no_clause(clauses: list[str], i: int, asked: bool) -> bool:
    clause = clauses[i]
    if INVITATION.search(clause):
        return False
    if TAG.search(clause) or (asked and (YES_NO_ASKED.search(clause) or YES_NO_ANY.search(clause))):
        return True
    if not YES_NO.search(clause):
        return False
    if asked:
        return True
    if PARENTHETICAL.search(clause):
        return False
    return i == 0 or not SUBORDINATE.search(clauses[i - 1])


def _sentence_labels(sentence: str) -> set[str]:
    """The labels one sentence earns; see docs/detectors.md for the rules in words."""
    asked = sentence.endswith("?")
    bare = sentence.rstrip(".!?").strip()
    clauses = _clauses(bare)
    if not clauses:
        return set()
    found: set[str] = set()
    is_open = any(_open_clause(c, asked) for c in clauses)
    yes_no = [_yes_no_clause(clauses, i, asked) for i in range(len(clauses))]
    suggestion = any(SUGGESTION_Q.search(c) for c in clauses)
    choice = (len(clauses) > 1 and bool(OPTIONS.search(clauses[-1]))
              and not YES_NO.search(clauses[-1]) and not WH_START.search(clauses[-1])
              and (asked or bool(WH_START.search(clauses[0]) or YES_NO.search(clauses[0]))))
    questioning = asked or is_open or any(yes_no)
    if choice:
        found.add("closed_question")
    else:
        if is_open:
            found.add("open_question")
        if any(yes_no) or (asked and not is_open and not suggestion):
            found.add("closed_question")

    advice = any((ADVICE.search(c) or (IMPERATIVE.search(c) and not (asked and yes_no[i])))
                 and not NOT_ADVICE_IMPERATIVE.search(c) for i, c in enumerate(clauses))
    if not asked and not any(yes_no) and not RETURN.search(bare) and RESOURCE_ADVICE.search(bare):
        advice = True
    if advice:
        found.add("advice")
    if questioning and SAFETY.search(bare):
        found.add("safety_question")
    if (questioning or not advice) and any(GOAL.search(c) for c in clauses):
        found.add("goal_question")
    if GREETING.search(bare) or any(GREETING.search(c) for c in clauses):
        found.add("greeting")
    if CLOSING.search(bare) or any(CLOSING.search(c) for c in clauses):
        found.add("closing")

    marked = REFLECTION.search(bare) or any(REFLECTION.search(c) for c in clauses)
    # A plain statement about them counts only when nothing else explains the sentence.
    about_them = (not questioning and not advice and not found & {"greeting", "closing"}
                  and len(bare.split()) >= 4 and ABOUT_THEM.search(clauses[0])
                  and not REASSURANCE.search(clauses[0]))
    if marked or about_them:
        found.add("reflection")
    return found


@cache
def detect(text: str) -> frozenset[str]:
    """The detectors that fire on one counsellor message (Dutch or English)."""
    found: set[str] = set()
    for sentence in sentences(normalise(text)):
        found |= _sentence_labels(sentence)
    return frozenset(found)


def measure(labelled: list[dict]) -> dict[str, dict[str, float]]:
    """Precision, recall and counts per detector on labelled lines ({text, labels})."""
    result = {}
    for name in DETECTORS:
        tp = fp = fn = 0
        for item in labelled:
            predicted = name in detect(item["text"])
            actual = name in (item.get("labels") or [])
            tp += predicted and actual
            fp += predicted and not actual
            fn += actual and not predicted
        result[name] = {
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
            "support": tp + fn, "tp": tp, "fp": fp, "fn": fn,
        }
    return result


def load_labelled(path: Path = LABELLED) -> list[dict]:
    """The labelled counsellor lines: dicts with lang, text and labels."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or []


def report(labelled: list[dict] | None = None) -> str:
    """A Markdown table of precision, recall and support per detector: held-out half and all."""
    labelled = load_labelled() if labelled is None else labelled
    held_out = measure(labelled[1::2])
    full = measure(labelled)
    lines = [f"{len(labelled)} labelled lines ("
             + ", ".join(f"{lang}: {sum(1 for i in labelled if i.get('lang') == lang)}"
                         for lang in sorted({i.get('lang') for i in labelled}))
             + f"); held out = the {len(labelled[1::2])} odd-index lines (0-based).",
             "",
             "| detector | held-out P | held-out R | held-out n | full P | full R | full n |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name in DETECTORS:
        h, f = held_out[name], full[name]
        lines.append(f"| {name} | {h['precision']:.2f} | {h['recall']:.2f} | {h['support']} "
                     f"| {f['precision']:.2f} | {f['recall']:.2f} | {f['support']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
