/**
 * A compact dictionary of common German first and family names for the anonymiser (written for this project;
 * frequent names in Germany, old and young generations, including common names of families with roots in
 * Turkey, Poland, Russia, Italy and the Balkans). Not complete and not meant to be: rules catch names after
 * salutations and titles; the dictionary catches the rest of the common cases.
 */

const FIRST_NAMES = `
Adam Adrian Agnes Ahmed Alexander Alexandra Ali Alina Alma Amelie Andrea Andreas Angelika Anja Anke Anna Annette
Anton Antonia Arne Axel Barbara Bärbel Beate Ben Benedikt Benjamin Bernd Bernhard Bettina Birgit Björn Brigitte
Britta Carina Carl Carla Carolin Caroline Charlotte Christa Christian Christiane Christina Christine Christoph
Claudia Clara Cornelia Dagmar Daniel Daniela David Denis Dennis Detlef Diana Dieter Dietmar Dirk Doris Dorothea
Edith Elena Elias Elisabeth Elke Ella Emil Emilia Emily Emma Erich Erik Erika Erwin Esra Eva Fabian Felix Finn
Florian Franz Franziska Frauke Frieda Friedrich Fritz Gabriele Georg Gerd Gerda Gerhard Gertrud Gisela Gudrun
Günter Günther Hanna Hannah Hannelore Hans Harald Hartmut Heike Heinrich Heinz Helga Helmut Henrik Herbert Hermann
Hildegard Holger Horst Hubert Ida Ilse Ina Inge Ingeborg Ingo Ingrid Irene Iris Isabel Jakob Jan Jana Janina Jannik
Jasmin Jens Jessica Joachim Johanna Johannes Jonas Jonathan Jörg Josef Julia Julian Juliane Jürgen Justus Jutta
Kai Karin Karl Karl-Heinz Karsten Katharina Kathrin Katja Kerstin Kevin Klaus Konrad Kristina Lara Laura Lea Lena
Leon Leonie Lina Linda Lisa Lothar Louis Luca Lucas Luis Luisa Lukas Lutz Magdalena Maik Manfred Manuel Manuela
Marc Marcel Marco Marcus Maria Marie Marina Mario Marion Markus Marlene Marta Martha Martin Martina Marvin Mathias
Matthias Max Maximilian Mehmet Melanie Mia Michael Michaela Mila Milan Mira Monika Moritz Mustafa Nadine Natalie
Nicole Niklas Nils Nina Noah Norbert Olaf Olga Oliver Oskar Otto Pascal Patricia Patrick Paul Paula Peter Petra
Philipp Ralf Ralph Regina Reinhard Renate Rene René Robert Roland Rolf Rosemarie Rudolf Ruth Sabine Sabrina Sandra
Sara Sarah Sascha Sebastian Selin Silke Simon Simone Sofia Sophia Sophie Stefan Stefanie Steffen Stephan Susanne
Sven Svenja Swen Tanja Theo Thomas Thorsten Tim Timo Tobias Torsten Udo Ulrich Ulrike Ursula Ute Uwe Valentina
Vanessa Vera Viktor Viktoria Volker Walter Werner Wilhelm Willi Wolfgang Yusuf Zeynep Ayşe Fatma Emine Hatice
Jan-Peter Hans-Peter Hans-Jürgen Klaus-Dieter Anna-Lena Eva-Maria Marie-Luise Dariusz Piotr Agnieszka Katarzyna
Tomasz Krzysztof Sergej Natalia Olga Irina Alexej Dimitri Giuseppe Giovanni Francesco Ivana Marko Dragan Jovana
`

const FAMILY_NAMES = `
Müller Schmidt Schneider Fischer Weber Meyer Meier Mayer Maier Wagner Becker Schulz Hoffmann Schäfer Koch Bauer
Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Schmitz
Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz
Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke
Albrecht Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel
Heinrich Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Kühn Pohl Engel Horn Busch Bergmann Thomas Voigt
Sauer Arnold Wolff Pfeiffer Ernst Lindner Hübner Kramer Jansen Franz Peter Hansen Wenzel Götz Paul Barth Kern Lange
Riedel Schenk Wolter Ulrich Kirchner Brinkmann Ritter Kunz Marx Jakob Schütz Bock Fiedler Thiel Lutz Schilling
Reuter Busch Seifert Dietz Eckert Rudolph Kraft Hein Sander Böttcher Nowak Nowack Kowalski Kowalczyk Wiśniewski
Yılmaz Yilmaz Kaya Demir Şahin Sahin Çelik Celik Öztürk Ozturk Arslan Doğan Dogan Aydın Aydin Özdemir Ozdemir
Ivanov Petrov Smirnov Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Popović Jovanović Horvat
Kovačević Hoffmeister Mertens Hermes Scholl Lenz Pauly Thelen Schmitz Wirtz Lambert Hilger Mertes Kreuzberg Weis
Schwab Beyer Stahl Brenner Bender Geiger Hauser Frey Maurer Kessler Keßler Rieger Stephan Schreiner Zander Michel
Körner Adam Schott Walther Moser Schade Behrens Dittrich Hartung Ott Nagel Kolb Kaufmann Wegner Stark Hesse Hummel
Mohr Heinz Pietsch Reinhardt Hoppe Gerlach Langer Weiss Lindemann Jacobs Wendt Rausch Baier Bayer Kretschmer Schön
Wittmann Schwarz Dörr Kurz Kühne Brand Schlüter Menzel Fink Petersen Nikolaus Ebert Rohde Meißner Vetter Wilhelm
`

/**
 * Capitalised German words that are also names; redacted only with evidence (a salutation, a title, or a first
 * name beside them), never on their own.
 */
const AMBIGUOUS = `
Bauer Koch Fischer Schäfer Jäger Wolf Vogel Fuchs Hahn Berg Busch Graf Kaiser König Lang Lange Jung Richter
Zimmermann Schreiber Sommer Winter Ernst Engel Stein Horn Kern Kraft Klein Schwarz Braun Groß Weiß Weiss Mark Kai
August Rose Heide Max Kaufmann Stark Kurz Nagel Fink Brand Ritter Hermes Hesse Schön Maurer Brenner Vetter Hummel
Stahl Schwab Seidel Krämer Otto Martin
`

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean)

export const FIRST_NAME_SET: ReadonlySet<string> = new Set(words(FIRST_NAMES))
export const FAMILY_NAME_SET: ReadonlySet<string> = new Set(words(FAMILY_NAMES))
export const AMBIGUOUS_NAME_SET: ReadonlySet<string> = new Set(words(AMBIGUOUS))
