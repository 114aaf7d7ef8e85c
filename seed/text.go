package seed

import (
	"strconv"
	"strings"

	"github.com/reach-network/reach/graph"
)

// The words generated members and messages are made of. Every text is a pure function of indexes
// drawn from the seed, so a generated network stores no strings of its own. None holds a line
// break: the bulk importer reads one record per line.

var firstNames = [...]string{
	"Aarav", "Abigail", "Adam", "Ada", "Adrian", "Aisha", "Alejandro", "Alex", "Alice", "Amara",
	"Amelia", "Amir", "Ana", "Andrea", "Andrew", "Anna", "Arjun", "Astrid", "Ayumi", "Beatriz",
	"Ben", "Bianca", "Camila", "Carlos", "Caroline", "Chen", "Chloe", "Chidi", "Clara", "Daniel",
	"Dara", "David", "Diego", "Dmitri", "Elena", "Eli", "Elif", "Emma", "Erik", "Esther",
	"Ethan", "Eva", "Farah", "Fatima", "Felix", "Fernando", "Fiona", "Gabriel", "Grace", "Hana",
	"Hannah", "Hassan", "Henrik", "Hiroshi", "Ibrahim", "Ines", "Ingrid", "Isaac", "Isabel", "Ivan",
	"Jack", "Jamal", "James", "Jana", "Javier", "Jin", "Joao", "Jonas", "Jose", "Julia",
	"Kai", "Karim", "Kate", "Kenji", "Kofi", "Lars", "Laura", "Layla", "Leila", "Leo",
	"Liam", "Lina", "Lucas", "Lucia", "Luis", "Maja", "Malik", "Marco", "Maria", "Marta",
	"Mateo", "Maya", "Mei", "Mia", "Mohammed", "Nadia", "Naomi", "Nia", "Nikhil", "Nina",
	"Noah", "Nora", "Olga", "Oliver", "Omar", "Oscar", "Paula", "Pedro", "Priya", "Rafael",
	"Rahul", "Rania", "Ravi", "Rosa", "Ruth", "Samir", "Sara", "Sebastian", "Sofia", "Sven",
	"Tariq", "Thomas", "Tomas", "Uma", "Valentina", "Victor", "Wei", "Yara", "Yusuf", "Zara",
}

var lastNames = [...]string{
	"Abe", "Adeyemi", "Ahmed", "Alvarez", "Andersen", "Bakker", "Banerjee", "Becker", "Bianchi", "Brown",
	"Castro", "Chen", "Costa", "Cruz", "Dahl", "Das", "Diaz", "Dubois", "Eriksson", "Evans",
	"Fischer", "Fernandes", "Garcia", "Gomez", "Gupta", "Hansen", "Hoang", "Hoffmann", "Horvat", "Hughes",
	"Ibrahim", "Ito", "Jansen", "Johansson", "Jones", "Kaur", "Khan", "Kim", "Kowalski", "Kumar",
	"Larsen", "Laurent", "Lee", "Lopez", "Martin", "Martins", "Mehta", "Meyer", "Moreau", "Muller",
	"Murphy", "Nakamura", "Nguyen", "Nielsen", "Novak", "Nowak", "Okafor", "Oliveira", "Olsen", "Ortiz",
	"Park", "Patel", "Pereira", "Petrov", "Popescu", "Quinn", "Ramos", "Reddy", "Reyes", "Ricci",
	"Rossi", "Sato", "Schmidt", "Schneider", "Shah", "Silva", "Singh", "Smith", "Sousa", "Suzuki",
	"Tanaka", "Taylor", "Torres", "Tran", "Varga", "Wagner", "Walsh", "Wang", "Weber", "Williams",
	"Wilson", "Wong", "Yamamoto", "Yilmaz", "Young", "Zhang", "Zhao", "Ziegler", "Zimmermann", "O'Brien",
}

// Job titles by what the member does; the plan a member is on makes some more likely.
var (
	generalTitles = [...]string{
		"Software Engineer", "Senior Software Engineer", "Staff Engineer", "Engineering Manager",
		"Product Manager", "Senior Product Manager", "Data Scientist", "Data Engineer",
		"Designer", "UX Researcher", "Marketing Manager", "Content Strategist", "Financial Analyst",
		"Accountant", "Operations Manager", "Project Manager", "Consultant", "Customer Success Manager",
		"Site Reliability Engineer", "Security Engineer", "Nurse", "Teacher", "Lawyer",
		"Mechanical Engineer", "Business Analyst", "HR Generalist", "Supply Chain Analyst", "Architect",
	}
	recruitingTitles = [...]string{
		"Technical Recruiter", "Senior Recruiter", "Talent Partner", "Head of Talent",
		"Talent Acquisition Lead", "Executive Recruiter", "Sourcer",
	}
	salesTitles = [...]string{
		"Account Executive", "Sales Director", "Business Development Manager", "Enterprise Account Manager",
		"Head of Sales", "Sales Development Representative", "Partnerships Lead",
	}
	leaderTitles = [...]string{
		"Founder", "Co-founder & CEO", "CTO", "VP Engineering", "Chief Product Officer", "Investor",
		"Managing Director", "Board Member",
	}
)

// Company names are made of two parts and a suffix; past every combination a number tells them apart.
var (
	companyHeads = [...]string{
		"Acme", "Apex", "Arbor", "Atlas", "Aurora", "Beacon", "Blue", "Bright", "Cedar", "Cobalt",
		"Copper", "Crescent", "Delta", "Ember", "Evergreen", "Falcon", "Granite", "Harbor", "Helix", "Horizon",
		"Iron", "Juniper", "Keystone", "Lumen", "Maple", "Meridian", "Nimbus", "North", "Nova", "Oak",
		"Orbit", "Pioneer", "Quantum", "Redwood", "Silver", "Summit", "Tidal", "Vertex", "Willow", "Zenith",
	}
	companyTails = [...]string{
		"wave", "stone", "field", "point", "bridge", "works", "line", "forge", "path", "gate",
		"light", "bay", "peak", "loop", "mark", "scale", "core", "grid", "leaf", "spring",
		"star", "view", "wing", "shift", "base", "cloud", "craft", "flow", "hub", "ridge",
	}
	companySuffixes = [...]string{
		"", " Labs", " Systems", " Health", " Capital", " Logistics", " Energy", " Media", " Analytics", " & Co",
	}
)

// Message texts take placeholders: {to} is the recipient's first name, {from} the sender's and
// {company} the sender's company.
var inmailSubjects = [...]string{
	"Opportunity at {company}",
	"Quick question about your work",
	"Are you open to a new role?",
	"Introduction from a fellow {company} alum",
	"Partnership idea",
	"Speaking invitation",
	"Your experience caught my eye",
	"Confidential search: leadership role",
}

var inmailBodies = [...]string{
	"Hi {to}, I'm {from}, recruiting for {company}. Your background looks like a strong fit for a role we are hiring for. Would you be open to a 20 minute call this week?",
	"Hello {to}, this is {from} from {company}. We are building a new team and I'd love to hear how you think about the problems you're solving today.",
	"Hi {to}, {from} here ({company}). I saw your recent post and wanted to ask whether you'd consider a conversation about a senior position.",
	"Dear {to}, my name is {from} and I lead partnerships at {company}. I think there is a natural fit between our teams; could we find time to talk?",
	"{to}, hope you're well. {from} from {company} here. We're putting together a panel next month and your perspective would be valuable.",
}

// blastBodies name no recipient: a mass blast sends one text to everyone.
var blastBodies = [...]string{
	"Hi there, {from} from {company} here. We are hiring across every team this quarter; reply to this message and I will send you a referral link.",
	"Exclusive offer from {company}: book a free demo this week and get three months at no cost. Just reply here. {from}",
	"Hello! {company} is growing fast and looking for people like you. Interested? Reply YES and {from} will be in touch.",
}

var plainBodies = [...]string{
	"Hi {to}, great catching up the other day! Let's grab coffee soon. {from}",
	"Thanks {to}, that's really helpful.",
	"Hey {to}, are you going to the meetup on Thursday? A few of us from {company} will be there.",
	"{to}, congratulations on the new role! Cheers, {from}",
	"Hi {to}, could you share the slides from your talk? Thanks, {from}",
	"Sounds good, talk next week.",
	"Hi {to}, quick favour: would you mind introducing me to someone on your team? Best, {from}",
	"Happy to help, {to}! Ping me anytime.",
	"Did you see the \"all hands\" notes? {company} is hiring again, by the way.",
}

var replyBodies = [...]string{
	"Hi {to}, thanks for reaching out. I'm happy to chat, how does Tuesday look? {from}",
	"Thanks {to}, I'm not looking right now but let's stay in touch. Best, {from}",
	"Hello {to}, that sounds interesting. Could you send more details? {from}",
}

var invitationNotes = [...]string{
	"Hi {to}, we met at the conference last month. I'd like to add you to my network.",
	"Hi {to}, I enjoyed your article and would love to connect.",
	"{to}, we have several colleagues in common. Let's connect!",
	"Hello {to}, I'm expanding my network in the industry and would be glad to connect. {from}, {company}",
}

// fill puts the recipient's and sender's first names and the sender's company into a text.
func fill(text, to, from, company string) string {
	return strings.NewReplacer("{to}", to, "{from}", from, "{company}", company).Replace(text)
}

// companyName names company c. The combinations are shuffled (7919 is prime, so the shuffle is
// a permutation) so that the largest companies, the first, do not share a part of their names.
func companyName(c int) string {
	h, t, s := len(companyHeads), len(companyTails), len(companySuffixes)
	x := (c%(h*t*s)*7919 + 13) % (h * t * s)
	name := companyHeads[x%h] + companyTails[x/h%t] + companySuffixes[x/(h*t)]
	if n := c / (h * t * s); n > 0 {
		name += " " + strconv.Itoa(n+1)
	}
	return name
}

// title is the job title a member with the given plan holds; pick is a uniform draw.
func title(p graph.Plan, pick uint32) string {
	switch {
	case p == graph.PlanRecruiterLite:
		return recruitingTitles[pick%uint32(len(recruitingTitles))]
	case p == graph.PlanSalesNavigator:
		return salesTitles[pick%uint32(len(salesTitles))]
	case p == graph.PlanBusiness && pick%3 == 0:
		return leaderTitles[pick%uint32(len(leaderTitles))]
	case pick%97 == 0:
		return leaderTitles[pick%uint32(len(leaderTitles))]
	default:
		return generalTitles[pick%uint32(len(generalTitles))]
	}
}
